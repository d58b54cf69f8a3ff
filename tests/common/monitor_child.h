// Test helper: `jobc __monitor RUN_DIR` in a child process with a test's backend (the
// monitor installs signal handlers, and SQLite connections must not cross fork(): it opens
// its own), and files as the signals between the test and its fake backend.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "runs/monitor.h"

namespace jobc::testing {

inline bool wait_for_file(const std::filesystem::path& file, double seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!std::filesystem::exists(file)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

inline void touch(const std::filesystem::path& file) {
  std::ofstream{file};
}

inline pid_t start_monitor_child(const std::filesystem::path& run_dir, const BackendFactory& make) {
  pid_t child = fork();
  if (child == 0) _exit(monitor_main(run_dir, make));
  return child;
}

// Waits for the child to exit (true), or kills it after `seconds` (false).
inline bool reap(pid_t child, double seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(child, nullptr, WNOHANG) == child) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  return false;
}

}  // namespace jobc::testing
