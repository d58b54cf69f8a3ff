// Test helper: a jobc process the test can signal (Ctrl-C, kill -9) and wait for.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "common/run_command.h"

namespace jobc::testing {

class ChildProcess {
 public:
  // Runs JOBC_BINARY with `args` and JOBC_HOME=`home`; output goes to files in `home`.
  ChildProcess(const std::vector<std::string>& args, const std::filesystem::path& home)
      : out_(home / ("child-" + std::to_string(counter()++) + ".out")) {
    // Private, as jobc makes a home: a wider one is warned about on every command.
    if (std::filesystem::create_directories(home)) {
      std::filesystem::permissions(home, std::filesystem::perms::owner_all);
    }
    pid_ = fork();
    if (pid_ == 0) {
      setenv("JOBC_HOME", home.c_str(), 1);
      int fd = open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fd, 1);
      dup2(fd, 2);
      std::vector<char*> argv{const_cast<char*>(JOBC_BINARY)};
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(JOBC_BINARY, argv.data());
      _exit(127);
    }
  }
  ~ChildProcess() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid() const { return pid_; }
  void signal(int number) { kill(pid_, number); }
  std::string output() const { return slurp(out_); }

  // Waits until the output contains `text` (true) or `seconds` pass (false).
  bool wait_for_output(const std::string& text, double seconds) const {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      if (output().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  // The exit status (128+signal when killed), or -1 when it did not end within `seconds`.
  int wait(double seconds) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        reaped_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }

 private:
  static int& counter() {
    static int value = 0;
    return value;
  }
  std::filesystem::path out_;
  pid_t pid_ = -1;
  bool reaped_ = false;
};

}  // namespace jobc::testing
