#include "backends/local/local_backend.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "support/process.h"

namespace jobc {

bool LocalBackend::start(RunContext& context, std::string& error) {
  int log = ::open(context.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) {
    error = "cannot open " + context.log_file.string();
    return false;
  }
  SpawnOptions options;
  options.argv = {"bash", (context.artifacts_dir / "launch.sh").string()};
  options.cwd = context.work_dir.string();
  options.env_overrides = {{"JOBC_CODE_DIR", context.work_dir.string()},
                           {"JOBC_RUN_ID", context.run.id},
                           {"JOBC_MPIRUN_ARGS", "--oversubscribe"}};
  for (const auto& [key, value] : context.environment) options.env_overrides[key] = value;
  if (geteuid() == 0) {  // Open MPI refuses root unless told it is intended
    options.env_overrides["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
    options.env_overrides["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
  }
  options.stdout_fd = log;
  options.stderr_fd = log;
  pid_ = spawn_process(options, error);
  ::close(log);
  if (pid_ < 0) return false;
  context.run.backend_job_id = std::to_string(pid_);  // also the process group id
  return true;
}

std::optional<JobExit> LocalBackend::poll(RunContext& /*context*/, int wait_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  while (true) {
    int status = 0;
    pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      // The leader exited; stragglers of its group must not outlive the run.
      kill(-pid_, SIGKILL);
      if (WIFSIGNALED(status)) return JobExit{128 + WTERMSIG(status), WTERMSIG(status)};
      return JobExit{WEXITSTATUS(status), 0};
    }
    if (done < 0) return JobExit{255, 0};
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

void LocalBackend::stop(RunContext& /*context*/, bool force) {
  if (pid_ > 0) kill(-pid_, force ? SIGKILL : SIGTERM);
}

bool LocalBackend::stop_orphaned(RunContext& context, std::string& error) {
  const std::string& id = context.run.backend_job_id;
  if (id.empty()) return true;  // never started
  char* end = nullptr;
  long long pgid = std::strtoll(id.c_str(), &end, 10);
  // Never kill(-1) or kill(0): that would signal every process, or our own group.
  if (*end != '\0' || pgid <= 1) {
    error = "the recorded process group '" + id + "' is not one";
    return false;
  }
  if (process_group_alive(static_cast<pid_t>(pgid))) kill(-static_cast<pid_t>(pgid), SIGKILL);
  return true;
}

}  // namespace jobc
