#include "backends/azureml/service/captured_command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "support/process.h"

namespace jobc::azureml {
namespace {

struct Pipe {
  int read = -1;
  int write = -1;
  ~Pipe() {
    if (read >= 0) close(read);
    if (write >= 0) close(write);
  }
  bool open() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return false;
    read = fds[0];
    write = fds[1];
    return true;
  }
};

int exit_code_of(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

Result<CapturedOutput> run_captured(const std::vector<std::string>& argv,
                                    std::chrono::milliseconds timeout) {
  Pipe out, err;
  if (!out.open() || !err.open()) return fail(std::string("pipe: ") + std::strerror(errno));
  SpawnOptions options;
  options.argv = argv;
  options.stdout_fd = out.write;
  options.stderr_fd = err.write;
  Result<pid_t> pid = spawn_process(options);
  close(out.write);
  close(err.write);
  out.write = err.write = -1;
  if (!pid) return pid.error();

  CapturedOutput captured;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  pollfd fds[2] = {{out.read, POLLIN, 0}, {err.read, POLLIN, 0}};
  std::string* sinks[2] = {&captured.out, &captured.err};
  int open_fds = 2;
  while (open_fds > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      captured.timed_out = true;
      kill(-*pid, SIGKILL);
      break;
    }
    int ready = poll(fds, 2, static_cast<int>(left.count()));
    if (ready < 0 && errno != EINTR) break;
    for (int i = 0; i < 2 && ready > 0; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[4096];
      ssize_t got = read(fds[i].fd, buffer, sizeof buffer);
      if (got > 0) {
        sinks[i]->append(buffer, static_cast<size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        fds[i].fd = -1;  // poll ignores negative descriptors
        --open_fds;
      }
    }
  }
  // Its output closed; it may still linger (a child holding nothing): the deadline holds.
  int status = 0;
  while (!captured.timed_out && waitpid(*pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() >= deadline) {
      captured.timed_out = true;
      kill(-*pid, SIGKILL);
      break;
    }
    usleep(5000);
  }
  if (captured.timed_out) {
    while (waitpid(*pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  captured.exit_code = exit_code_of(status);
  return captured;
}

std::optional<std::string> find_on_path(const std::string& program, const std::string& path) {
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    std::string folder = path.substr(start, end - start);
    if (!folder.empty()) {
      std::filesystem::path candidate = std::filesystem::path(folder) / program;
      std::error_code error;
      if (std::filesystem::is_regular_file(candidate, error) &&
          access(candidate.c_str(), X_OK) == 0) {
        return candidate.string();
      }
    }
    start = end + 1;
  }
  return std::nullopt;
}

}  // namespace jobc::azureml
