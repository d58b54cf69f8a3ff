#include "runs/stale_staging.h"

#include <sys/stat.h>

#include <charconv>
#include <string>

#include "support/process.h"

namespace jobc {
namespace {

namespace fs = std::filesystem;

// A process running now is the folder's owner only if it started before the folder was
// last written; the slack covers /proc's start time, which is known to the second.
constexpr int64_t kStartTimeSlackMs = 2000;

// The pid in ".staging-<pid>-<n>", or 0 when the name is not a staging folder's.
pid_t staging_owner(const std::string& name) {
  const std::string prefix = ".staging-";
  if (!name.starts_with(prefix)) return 0;
  pid_t pid = 0;
  const char* begin = name.data() + prefix.size();
  const char* end = name.data() + name.size();
  auto [next, error] = std::from_chars(begin, end, pid);
  if (error != std::errc() || next == end || *next != '-' || pid <= 0) return 0;
  return pid;
}

int64_t modified_ms(const fs::path& folder) {
  struct stat info {};
  if (::lstat(folder.c_str(), &info) != 0) return 0;
  return int64_t(info.st_mtim.tv_sec) * 1000 + info.st_mtim.tv_nsec / 1000000;
}

}  // namespace

void remove_folder_forcibly(const fs::path& folder) {
  std::error_code ec;
  fs::permissions(folder, fs::perms::owner_all, fs::perm_options::add, ec);
  for (fs::recursive_directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) {
      fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
    }
  }
  fs::remove_all(folder, ec);
}

void remove_stale_staging(const fs::path& snapshots) {
  std::error_code ec;
  for (fs::directory_iterator it(snapshots, ec), end; !ec && it != end; it.increment(ec)) {
    pid_t owner = staging_owner(it->path().filename().string());
    if (owner == 0) continue;
    int64_t started = process_started_ms(owner);
    bool owner_alive = started != 0 && started <= modified_ms(it->path()) + kStartTimeSlackMs;
    if (!owner_alive) remove_folder_forcibly(it->path());
  }
}

}  // namespace jobc
