#include "support/process.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string_view>

#include "support/read_only_mounts.h"

extern char** environ;

namespace jobc {

namespace {

// The fields of /proc/PID/stat jobc reads; state 0 when the process does not exist.
struct ProcStat {
  char state = 0;
  pid_t parent = 0;
  int64_t start_time = 0;
};

// A /proc file, read with read(2); "" when it cannot be read whole. Not std::ifstream: a
// process that exits while its file is read makes read() fail (ESRCH), which libstdc++'s
// filebuf turns into an exception thrown out of the read, whatever the stream's mask.
std::string read_proc_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  std::string text;
  char buffer[4096];
  ssize_t got;
  while ((got = ::read(fd, buffer, sizeof buffer)) > 0) text.append(buffer, size_t(got));
  ::close(fd);
  return got < 0 ? "" : text;
}

ProcStat read_stat(pid_t pid) {
  std::string text = read_proc_file("/proc/" + std::to_string(pid) + "/stat");
  size_t close_paren = text.rfind(')');  // the command name may hold spaces and parens
  ProcStat stat;
  if (close_paren == std::string::npos || close_paren + 2 > text.size()) return stat;
  std::istringstream fields(text.substr(close_paren + 2));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
    if (i == 3) stat.state = field[0];
    if (i == 4) stat.parent = static_cast<pid_t>(std::strtol(field.c_str(), nullptr, 10));
    if (i == 22) stat.start_time = std::strtoll(field.c_str(), nullptr, 10);
  }
  return stat;
}

// Every live process (zombies excluded) for which `keep(pid, stat)` holds.
template <typename Keep>
std::vector<pid_t> live_processes_where(Keep keep) {
  std::vector<pid_t> found;
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc", ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    pid_t pid = static_cast<pid_t>(std::stol(name));
    ProcStat stat = read_stat(pid);
    if (stat.state != 0 && stat.state != 'Z' && keep(pid, stat)) found.push_back(pid);
  }
  return found;
}

}  // namespace

std::vector<std::string> environment_without(const std::vector<std::string>& remove) {
  std::vector<std::string> kept;
  for (char** entry = environ; *entry; ++entry) {
    std::string item(*entry);
    std::string key = item.substr(0, item.find('='));
    if (std::find(remove.begin(), remove.end(), key) == remove.end()) kept.push_back(item);
  }
  return kept;
}

Result<pid_t> spawn_process(const SpawnOptions& options) {
  // Build everything the child needs before fork: only async-signal-safe calls after it.
  std::vector<std::string> env_strings;
  for (std::string& item : environment_without(options.env_remove)) {
    std::string key = item.substr(0, item.find('='));
    if (!options.env_overrides.count(key)) env_strings.push_back(std::move(item));
  }
  for (const auto& [key, value] : options.env_overrides) env_strings.push_back(key + "=" + value);
  std::vector<char*> envp;
  for (std::string& item : env_strings) envp.push_back(item.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = options.argv;
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  ReadOnlyMounts mounts = plan_read_only_mounts(options.read_only_paths);
  static constexpr std::string_view kWritableWarning =
      "[jobc] warning: the ro_mount inputs are writable: no private mount namespace could be "
      "made for the job\n";

  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) {
    return fail(fmt::format("pipe: {}", std::strerror(errno)));
  }
  pid_t pid = fork();
  if (pid < 0) {
    std::string why = std::strerror(errno);
    close(report[0]);
    close(report[1]);
    return fail("fork: " + why);
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
    if (!mounts.paths.empty() && enter_read_only_mounts(mounts) != 0) {
      ssize_t ignored = write(STDERR_FILENO, kWritableWarning.data(), kWritableWarning.size());
      (void)ignored;
    }
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
    int status = 0;
    waitpid(pid, &status, 0);
    return fail(fmt::format("cannot start '{}': {}", options.argv.front(), std::strerror(code)));
  }
  if (options.new_process_group) setpgid(pid, pid);  // no race with the child's own setpgid
  return pid;
}

int64_t process_start_time(pid_t pid) {
  ProcStat stat = read_stat(pid);
  return stat.state == 'Z' ? 0 : stat.start_time;  // a zombie is gone for our purposes
}

int64_t process_started_ms(pid_t pid) {
  int64_t ticks = process_start_time(pid);
  if (ticks == 0) return 0;
  std::istringstream in(read_proc_file("/proc/stat"));
  std::string key;
  int64_t boot_seconds = 0;
  while (in >> key && key != "btime") in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  if (!(in >> boot_seconds)) return 0;
  return boot_seconds * 1000 + ticks * 1000 / sysconf(_SC_CLK_TCK);
}

bool same_process_alive(pid_t pid, int64_t start_time) {
  return pid > 0 && start_time > 0 && process_start_time(pid) == start_time;
}

bool process_group_alive(pid_t pgid) {
  return pgid > 0 && (kill(-pgid, 0) == 0 || errno == EPERM);
}

std::vector<pid_t> processes_with_environment(const std::string& entry) {
  return live_processes_where([&](pid_t pid, const ProcStat&) {
    std::string environ_text = read_proc_file("/proc/" + std::to_string(pid) + "/environ");
    std::string_view rest = environ_text;
    while (!rest.empty()) {
      size_t end = rest.find('\0');
      if (rest.substr(0, end) == entry) return true;
      if (end == std::string_view::npos) break;
      rest.remove_prefix(end + 1);
    }
    return false;
  });
}

std::vector<pid_t> children_of(pid_t parent) {
  return live_processes_where([&](pid_t, const ProcStat& stat) { return stat.parent == parent; });
}

}  // namespace jobc
