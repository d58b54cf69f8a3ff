#include "support/private_files.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace jobc {

namespace fs = std::filesystem;

Status create_private_folder(const fs::path& folder) {
  std::error_code ec;
  if (fs::is_directory(folder, ec)) return {};
  if (folder.has_parent_path()) fs::create_directories(folder.parent_path(), ec);
  // mkdir(0700) rather than create_directories and a chmod: never readable by others, even
  // for a moment.
  if (mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST) {
    return fail(fmt::format("cannot create {}: {}", folder.string(), std::strerror(errno)));
  }
  return {};
}

Status write_private_file_atomically(const fs::path& file, const std::string& content) {
  return write_file_atomically(file, content, 0600);
}

Status write_file_atomically(const fs::path& file, const std::string& content, mode_t mode) {
  fs::path temporary = file;
  temporary += fmt::format(".{}.tmp", ::getpid());
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  bool written = fd >= 0;
  for (size_t done = 0; written && done < content.size();) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    written = n > 0;
    if (written) done += static_cast<size_t>(n);
  }
  int saved = errno;
  if (fd >= 0 && ::close(fd) != 0 && written) {
    written = false;
    saved = errno;
  }
  if (!written || ::rename(temporary.c_str(), file.c_str()) != 0) {
    int why = written ? errno : saved;
    ::unlink(temporary.c_str());
    return fail(fmt::format("cannot write {}: {}", file.string(), std::strerror(why)));
  }
  return {};
}

}  // namespace jobc
