// Waiting for the files of one folder to change: inotify where the kernel has it (a write
// to a file in the folder, or a file created or renamed into it, ends the wait at once),
// else a plain sleep, so that the caller polls.
#pragma once

#include <chrono>
#include <filesystem>

namespace jobc {

class FolderWatch {
 public:
  explicit FolderWatch(const std::filesystem::path& folder);
  ~FolderWatch();
  FolderWatch(const FolderWatch&) = delete;
  FolderWatch& operator=(const FolderWatch&) = delete;

  // False when the folder cannot be watched: wait() then only sleeps.
  bool active() const { return fd_ >= 0; }
  // Waits until something changed in the folder since the watch began or the last wait
  // returned, `timeout` passed, or a signal arrived. True when something changed.
  bool wait(std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
};

}  // namespace jobc
