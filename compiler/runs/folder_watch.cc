#include "runs/folder_watch.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <thread>

namespace jobc {

FolderWatch::FolderWatch(const std::filesystem::path& folder) {
  fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ < 0) return;
  uint32_t events = IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO;
  if (inotify_add_watch(fd_, folder.c_str(), events) < 0) {
    close(fd_);
    fd_ = -1;
  }
}

FolderWatch::~FolderWatch() {
  // Closing an inotify instance waits for an RCU grace period (5-15 ms here): done aside, so
  // a follower returns the moment the run ends instead of that much later.
  if (fd_ >= 0) std::thread([fd = fd_] { close(fd); }).detach();
}

bool FolderWatch::wait(std::chrono::milliseconds timeout) {
  if (fd_ < 0) {
    std::this_thread::sleep_for(timeout);
    return false;
  }
  pollfd ready{fd_, POLLIN, 0};
  if (poll(&ready, 1, static_cast<int>(timeout.count())) <= 0) return false;  // or EINTR
  // Drain what queued up: one wake-up stands for every change so far.
  alignas(inotify_event) char buffer[4096];
  while (read(fd_, buffer, sizeof buffer) > 0) {
  }
  return true;
}

}  // namespace jobc
