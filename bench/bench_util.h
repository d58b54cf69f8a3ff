// Shared helpers of compile_bench, submit_bench and snapshot_bench (validate_bench.cpp keeps its
// own copy): start a program with posix_spawn, reap it with wait4 (wall time from a monotonic
// clock around spawn..reap, CPU time and peak RSS from the child's rusage), statistics and
// formatting. Header-only; everything is `inline`.
#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace bench {

namespace fs = std::filesystem;

// Reads a program's options one by one; value() and number() take the option's operand and
// leave through `usage` (which prints the message and returns the exit status) when it is
// missing or, for number(), not a positive integer.
class ArgReader {
 public:
  ArgReader(int argc, char** argv, int (*usage)(const char*))
      : argc_(argc), argv_(argv), usage_(usage) {}
  bool next() {
    if (++index_ >= argc_) return false;
    option_ = argv_[index_];
    return true;
  }
  const std::string& option() const { return option_; }
  std::string value() {
    if (index_ + 1 >= argc_) std::exit(usage_(("missing value for " + option_).c_str()));
    return argv_[++index_];
  }
  int number() {
    std::string text = value();
    int n = std::atoi(text.c_str());
    if (n < 1) std::exit(usage_(("bad number for " + option_ + ": " + text).c_str()));
    return n;
  }

 private:
  int argc_;
  char** argv_;
  int (*usage_)(const char*);
  int index_ = 0;
  std::string option_;
};

struct Proc {
  double wall_ms = 0, cpu_ms = 0;  // cpu: user + sys of the child and its waited-for children
  long rss_kb = 0;
  int rc = -1;  // exit status, 128+signal, or -1 when it could not be started
};

inline double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

inline double cpu_ms(const struct rusage& ru) {
  return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

// CPU time of this process so far (for in-process measurements).
inline double self_cpu_ms() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return cpu_ms(ru);
}

inline std::vector<std::string> environment(const std::vector<std::string>& overrides = {}) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string entry = *e;
    bool replaced = false;
    for (const std::string& o : overrides)
      if (entry.compare(0, o.find('=') + 1, o, 0, o.find('=') + 1) == 0) replaced = true;
    if (!replaced) env.push_back(entry);
  }
  env.insert(env.end(), overrides.begin(), overrides.end());
  return env;
}

struct SpawnIo {
  std::string in = "/dev/null", out = "/dev/null", err = "/dev/null";
  std::string cwd;  // empty: the harness's
};

// Starts argv (argv[0] must be a path; no PATH lookup) and returns its pid, or -1.
inline pid_t spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                   const SpawnIo& io = {}) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, io.in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, io.out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, io.err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 29))
  if (!io.cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, io.cwd.c_str());
#endif
  std::vector<char*> av, ev;
  for (const std::string& a : argv) av.push_back(const_cast<char*>(a.c_str()));
  av.push_back(nullptr);
  for (const std::string& e : env) ev.push_back(const_cast<char*>(e.c_str()));
  ev.push_back(nullptr);
  pid_t pid;
  int e = posix_spawn(&pid, av[0], &fa, nullptr, av.data(), ev.data());
  posix_spawn_file_actions_destroy(&fa);
  return e == 0 ? pid : -1;
}

inline int exit_code(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

inline Proc run(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                const SpawnIo& io = {}) {
  Proc p;
  auto t0 = std::chrono::steady_clock::now();
  pid_t pid = spawn(argv, env, io);
  if (pid < 0) return p;
  int status = 0;
  struct rusage ru {};
  while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR) {
  }
  p.wall_ms = ms_since(t0);
  p.cpu_ms = cpu_ms(ru);
  p.rss_kb = ru.ru_maxrss;
  p.rc = exit_code(status);
  return p;
}

inline double median(std::vector<double> v) {
  std::erase_if(v, [](double x) { return !std::isfinite(x); });
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
inline double vmin(const std::vector<double>& v) {
  return v.empty() ? NAN : *std::min_element(v.begin(), v.end());
}
inline double vmax(const std::vector<double>& v) {
  return v.empty() ? NAN : *std::max_element(v.begin(), v.end());
}
inline double vsum(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s;
}
inline double geomean(const std::vector<double>& v) {
  double s = 0;
  int n = 0;
  for (double x : v)
    if (std::isfinite(x) && x > 0) s += std::log(x), ++n;
  return n ? std::exp(s / n) : NAN;
}
inline std::vector<double> walls(const std::vector<Proc>& ps) {
  std::vector<double> out;
  for (const Proc& p : ps) out.push_back(p.wall_ms);
  return out;
}
inline std::vector<double> cpus(const std::vector<Proc>& ps) {
  std::vector<double> out;
  for (const Proc& p : ps) out.push_back(p.cpu_ms);
  return out;
}
inline long max_rss(const std::vector<Proc>& ps) {
  long m = 0;
  for (const Proc& p : ps) m = std::max(m, p.rss_kb);
  return m;
}

inline std::string slurp(const fs::path& p, size_t limit = 4000) {
  std::ifstream f(p, std::ios::binary);
  std::string s((std::istreambuf_iterator<char>(f)), {});
  if (s.size() > limit) s.resize(limit);
  return s;
}

inline std::string loadavg() {
  std::istringstream in(slurp("/proc/loadavg"));
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

inline std::string fmt(double v, int prec = 2) {
  if (!std::isfinite(v)) return "-";
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", prec, v);
  return b;
}
inline std::string fmt_ratio(double v) {
  if (!std::isfinite(v)) return "-";
  char b[64];
  std::snprintf(b, sizeof b, v >= 100 ? "%.0fx" : v >= 10 ? "%.1fx" : "%.2fx", v);
  return b;
}
// "median (min..max)" of a sample, in ms
inline std::string mmm(const std::vector<double>& v, int prec = 2) {
  return fmt(median(v), prec) + " (" + fmt(vmin(v), prec) + ".." + fmt(vmax(v), prec) + ")";
}

inline std::string shorten(std::string s, size_t w) {
  if (s.rfind("cli/", 0) == 0) s = s.substr(4);
  if (s.size() > w) s = "..." + s.substr(s.size() - (w - 3));
  return s;
}

// The machine line every benchmark prints first, and a warning when it is busy.
inline void print_machine(const char* name) {
  struct utsname un {};
  uname(&un);
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  std::printf("machine: %s %s, %ld CPUs, load average %s at start\n", un.sysname, un.release, cpus,
              loadavg().c_str());
  if (double load = std::atof(loadavg().c_str()); load > 0.5 * cpus)
    std::printf(
        "warning: the machine is busy (load average %.2f on %ld CPUs; other builds may be "
        "running):\n"
        "         wall times are inflated and noisy; %s also prints CPU time (user+sys), which\n"
        "         other processes do not inflate, and the min column\n",
        load, cpus, name);
  std::fflush(stdout);
}

// A temporary folder removed when this object goes out of scope.
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& prefix, const fs::path& parent = "/tmp") {
    std::string t = (parent / (prefix + ".XXXXXX")).string();
    if (!mkdtemp(t.data())) {
      std::perror("mkdtemp");
      std::exit(2);
    }
    path = t;
  }
  ~TempDir() { remove_tree(path); }
  // Removes a tree even when it holds read-only folders (as the snapshot store may).
  static void remove_tree(const fs::path& p) {
    std::error_code ec;
    fs::remove_all(p, ec);
    if (!ec) return;
    for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::end(it);
         it.increment(ec))
      if (it->is_directory() && !it->is_symlink())
        fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
    fs::permissions(p, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(p, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

// The directory of this executable (compile_bench finds compile_all beside it).
inline fs::path self_dir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::current_path() : exe.parent_path();
}

}  // namespace bench
