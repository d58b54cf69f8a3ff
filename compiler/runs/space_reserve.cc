#include "runs/space_reserve.h"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <system_error>

namespace jobc {

namespace fs = std::filesystem;

// Enough for a final status: a few SQLite WAL frames (4 KiB pages), run.json and
// final_status.json, with room to spare.
constexpr off_t kReserveBytes = 256 * 1024;
// Less free space than this, after a run, means its output could not all be written.
constexpr unsigned long long kFullBelowBytes = 64 * 1024;

fs::path space_reserve_file(const fs::path& home) {
  return home / "runs.db.reserve";
}

void keep_space_reserve(const fs::path& home) {
  fs::path file = space_reserve_file(home);
  std::error_code ec;
  if (fs::file_size(file, ec) == static_cast<uintmax_t>(kReserveBytes)) return;
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return;
  // posix_fallocate takes the blocks for real (a sparse file would reserve nothing).
  bool reserved = posix_fallocate(fd, 0, kReserveBytes) == 0;
  ::close(fd);
  if (!reserved) ::unlink(file.c_str());  // a partial reserve would only take space
}

bool release_space_reserve(const fs::path& home) {
  return ::unlink(space_reserve_file(home).c_str()) == 0;
}

std::optional<std::string> disk_full_reason(const fs::path& folder, const fs::path& home) {
  struct statvfs disk {};
  if (statvfs(folder.c_str(), &disk) != 0) return std::nullopt;
  unsigned long long free_bytes = static_cast<unsigned long long>(disk.f_bavail) *
                                  static_cast<unsigned long long>(disk.f_frsize);
  unsigned long long full_below = kFullBelowBytes;
  std::error_code ec;
  if (!fs::exists(space_reserve_file(home), ec)) full_below += kReserveBytes;
  if (free_bytes >= full_below) return std::nullopt;
  return "the disk holding the run's folder is full (ENOSPC): the job's output was cut short";
}

}  // namespace jobc
