#include "backends/local/local_backend.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "backends/local/local_job_files.h"
#include "support/http_client.h"
#include "support/process.h"

namespace jobc {
namespace {

// Runs launch.sh ($1) and keeps its exit status in $2 (written aside, then renamed, so a
// reader never sees half of it): the status outlives a monitor killed meanwhile.
constexpr const char* kExitKeepingWrapper =
    "bash \"$1\"; status=$?; printf '%s\\n' \"$status\" >\"$2.tmp\" && mv -f -- \"$2.tmp\" "
    "\"$2\"; exit \"$status\"";

// Every process of the job inherits JOBC_RUN_ID: it finds those that left the process group
// (setsid, a double-forked daemon) once their parents are gone. Empty for an unnamed run.
std::string job_marker(const RunContext& context) {
  return context.run.id.empty() ? "" : "JOBC_RUN_ID=" + context.run.id;
}

// Signals the processes holding `marker` until none is left (a process may fork while it is
// being looked for), never this process (a job may run `jobc runs cancel` itself).
void kill_marked_processes(const std::string& marker) {
  if (marker.empty()) return;
  for (int round = 0; round < 200; ++round) {
    std::vector<pid_t> found = processes_with_environment(marker);
    std::erase(found, getpid());
    if (found.empty()) return;
    for (pid_t pid : found) kill(pid, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

Status LocalBackend::start(RunContext& context) {
  int log = ::open(context.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) return fail("cannot open " + context.log_file.string());
  // Processes the job orphans (a double fork, setsid) become this monitor's children instead
  // of init's, so it can stop them when the job ends.
  subreaper_ = prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
  SpawnOptions options;
  options.argv = {"bash",
                  "-c",
                  kExitKeepingWrapper,
                  "jobc-job",
                  (context.artifacts_dir / "launch.sh").string(),
                  job_exit_file(context.run_dir).string()};
  options.cwd = context.work_dir.string();
  options.env_overrides = {{"JOBC_CODE_DIR", context.work_dir.string()},
                           {"JOBC_RUN_ID", context.run.id},
                           {"JOBC_MPIRUN_ARGS", "--oversubscribe"}};
  for (const auto& [key, value] : context.environment) options.env_overrides[key] = value;
  for (const auto& [key, value] : context.tracking_environment) options.env_overrides[key] = value;
  for (const auto& [variable, read_only] : context.input_read_only) {
    auto path = context.environment.find(variable);
    if (read_only && path != context.environment.end()) {
      options.read_only_paths.push_back(path->second);  // mode: ro_mount
    }
  }
  if (geteuid() == 0) {  // Open MPI refuses root unless told it is intended
    options.env_overrides["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
    options.env_overrides["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
  }
  options.env_remove = context.withheld_variables;
  options.stdout_fd = log;
  options.stderr_fd = log;
  Result<pid_t> spawned = spawn_process(options);
  ::close(log);
  if (!spawned) return spawned.error();
  pid_ = *spawned;
  context.run.backend_job_id = std::to_string(pid_);  // also the process group id
  write_job_leader(context.run_dir, {pid_, process_start_time(pid_)});
  return {};
}

std::string LocalBackend::tracking_uri(const RunContext& /*context*/, int port) const {
  return "http://127.0.0.1:" + std::to_string(port);
}

std::string LocalBackend::artifact_uri(const RunContext& context) const {
  return file_uri(context.work_dir / "outputs");
}

void LocalBackend::signal_job(const RunContext& context, int signal) {
  if (pid_ > 0) kill(-pid_, signal);
  if (signal == SIGKILL) {
    kill_marked_processes(job_marker(context));
  } else if (std::string marker = job_marker(context); !marker.empty()) {
    for (pid_t pid : processes_with_environment(marker)) kill(pid, signal);
  }
  if (subreaper_) {
    for (pid_t child : children_of(getpid())) kill(child, signal);
  }
}

std::optional<JobExit> LocalBackend::poll(RunContext& context, int wait_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  while (true) {
    // As a subreaper, this process also reaps the orphans it adopted.
    int status = 0;
    pid_t done = 0;
    bool leader_done = false;
    int leader_status = 0;
    while ((done = waitpid(subreaper_ ? -1 : pid_, &status, WNOHANG)) > 0) {
      if (done == pid_) {
        leader_done = true;
        leader_status = status;
      }
    }
    if (leader_done) {
      // The leader exited; nothing else the job started may outlive the run.
      signal_job(context, SIGKILL);
      while (subreaper_ && waitpid(-1, nullptr, WNOHANG) > 0) {
      }
      if (WIFSIGNALED(leader_status)) {
        return JobExit{128 + WTERMSIG(leader_status), WTERMSIG(leader_status)};
      }
      return JobExit{WEXITSTATUS(leader_status), 0};
    }
    if (done < 0 && errno == ECHILD) return JobExit{255, 0};
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

void LocalBackend::stop(RunContext& context, bool force) {
  signal_job(context, force ? SIGKILL : SIGTERM);
}

std::optional<JobExit> LocalBackend::orphaned_exit(RunContext& context) {
  if (auto code = read_job_exit(context.run_dir)) return JobExit{*code, 0};
  return std::nullopt;
}

Status LocalBackend::stop_orphaned(RunContext& context) {
  const std::string& id = context.run.backend_job_id;
  if (!id.empty()) {
    char* end = nullptr;
    long long pgid = std::strtoll(id.c_str(), &end, 10);
    // Never kill(-1) or kill(0): that would signal every process, or our own group.
    if (*end != '\0' || pgid <= 1)
      return fail("the recorded process group '" + id + "' is not one");
    // The group only when its leader is the job's: alive with its recorded start time, or
    // gone while its group lives on (a group's id is not reused while the group exists).
    auto leader = read_job_leader(context.run_dir);
    if (leader && leader->pgid == pgid) {
      int64_t started = process_start_time(leader->pgid);
      if ((started == 0 || started == leader->start_time) && process_group_alive(leader->pgid)) {
        kill(-leader->pgid, SIGKILL);
      }
    }
  }
  // Whatever left the group (or started before its id was recorded) carries the marker.
  kill_marked_processes(job_marker(context));
  return {};
}

}  // namespace jobc
