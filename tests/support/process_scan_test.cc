// Looking through /proc while processes come and go: a process that exits while its files
// are read is passed over, never an exception (a monitor once aborted on one, leaving its
// run Running).
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "support/process.h"

TEST_SUITE("support") {
  TEST_CASE("scanning processes survives processes that exit while they are read") {
    std::atomic<bool> stop{false};
    // Short-lived children, as fast as they can be made, for the whole scan.
    std::thread churn([&] {
      while (!stop) {
        pid_t pid = fork();
        if (pid == 0) _exit(0);
        if (pid > 0) waitpid(pid, nullptr, 0);
      }
    });
    size_t scans = 0;
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (std::chrono::steady_clock::now() < until) {
      (void)jobc::processes_with_environment("JOBC_PROCESS_SCAN_TEST=none");
      (void)jobc::children_of(getpid());
      ++scans;
    }
    stop = true;
    churn.join();
    CHECK(scans > 10);
    // This process is still found by an entry of its environment.
    auto found = jobc::processes_with_environment("PATH=" + std::string(getenv("PATH")));
    CHECK(std::find(found.begin(), found.end(), getpid()) != found.end());
  }
}
