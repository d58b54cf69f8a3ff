#include "server/ui/safe_path.h"

#include <sys/stat.h>

#include <string>

namespace jobc::ui {

namespace fs = std::filesystem;

Result<fs::path> resolve_inside(const fs::path& root, std::string_view relative) {
  if (relative.find('\0') != std::string_view::npos) return fail("a path with a NUL byte");
  if (relative.find('\\') != std::string_view::npos) return fail("a path with a backslash");
  if (!relative.empty() && relative.front() == '/') return fail("an absolute path");
  struct stat info {};
  if (::lstat(root.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    return fail("no such folder");
  }
  fs::path current = root;
  size_t start = 0;
  while (start <= relative.size()) {
    size_t end = relative.find('/', start);
    if (end == std::string_view::npos) end = relative.size();
    std::string_view part = relative.substr(start, end - start);
    start = end + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") return fail("a path that leaves its folder");
    current /= std::string(part);
    if (::lstat(current.c_str(), &info) != 0) return fail("no such file");
    if (S_ISLNK(info.st_mode)) return fail("a symbolic link");
    if (!S_ISDIR(info.st_mode) && !S_ISREG(info.st_mode)) return fail("not a file or folder");
    if (!S_ISDIR(info.st_mode) && start <= relative.size()) return fail("not a folder");
  }
  return current;
}

}  // namespace jobc::ui
