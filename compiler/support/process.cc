#include "support/process.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

extern char** environ;

namespace jobc {

pid_t spawn_process(const SpawnOptions& options, std::string& error) {
  // Build everything the child needs before fork: only async-signal-safe calls after it.
  std::vector<std::string> env_strings;
  for (char** entry = environ; *entry; ++entry) {
    std::string item(*entry);
    std::string key = item.substr(0, item.find('='));
    if (!options.env_overrides.count(key)) env_strings.push_back(item);
  }
  for (const auto& [key, value] : options.env_overrides) env_strings.push_back(key + "=" + value);
  std::vector<char*> envp;
  for (std::string& item : env_strings) envp.push_back(item.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = options.argv;
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) {
    error = fmt::format("pipe: {}", std::strerror(errno));
    return -1;
  }
  pid_t pid = fork();
  if (pid < 0) {
    error = fmt::format("fork: {}", std::strerror(errno));
    close(report[0]);
    close(report[1]);
    return -1;
  }
  if (pid == 0) {
    if (options.new_process_group) setpgid(0, 0);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    if (options.stdout_fd >= 0) dup2(options.stdout_fd, STDOUT_FILENO);
    if (options.stderr_fd >= 0) dup2(options.stderr_fd, STDERR_FILENO);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    int code = 0;
    if (!options.cwd.empty() && chdir(options.cwd.c_str()) != 0) {
      code = errno;
    } else {
      execvpe(argv[0], argv.data(), envp.data());
      code = errno;
    }
    ssize_t ignored = write(report[1], &code, sizeof code);
    (void)ignored;
    _exit(127);
  }
  close(report[1]);
  int code = 0;
  ssize_t n = read(report[0], &code, sizeof code);
  close(report[0]);
  if (n == sizeof code) {
    error = fmt::format("cannot start '{}': {}", options.argv.front(), std::strerror(code));
    int status = 0;
    waitpid(pid, &status, 0);
    return -1;
  }
  if (options.new_process_group) setpgid(pid, pid);  // no race with the child's own setpgid
  return pid;
}

int64_t process_start_time(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  size_t close_paren = text.rfind(')');  // the command name may hold spaces and parens
  if (close_paren == std::string::npos) return 0;
  std::istringstream fields(text.substr(close_paren + 2));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
    if (i == 3 && field == "Z") return 0;  // a zombie is gone for our purposes
    if (i == 22) return std::stoll(field);
  }
  return 0;
}

bool same_process_alive(pid_t pid, int64_t start_time) {
  return pid > 0 && start_time > 0 && process_start_time(pid) == start_time;
}

bool process_group_alive(pid_t pgid) {
  return pgid > 0 && (kill(-pgid, 0) == 0 || errno == EPERM);
}

}  // namespace jobc
