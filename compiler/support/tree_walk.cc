// Folders are listed through their descriptor (fstatat, readlinkat): the kernel does not walk
// long absolute names again for every file, which showed when snapshotting 10,000 files.
#include "support/tree_walk.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "support/utf8.h"

namespace jobc {
namespace {

namespace fs = std::filesystem;

// Both paths canonical: is `path` `folder` or below it?
bool inside(const fs::path& folder, const fs::path& path) {
  auto [folder_end, path_it] =
      std::mismatch(folder.begin(), folder.end(), path.begin(), path.end());
  return folder_end == folder.end();
}

std::string shown(std::string_view bytes) {
  return printable_utf8(bytes);
}

class Walk {
 public:
  Walk(const fs::path& root, const TreeWalkOptions& options, std::vector<TreeEntry>& entries,
       std::string& error)
      : root_(root), options_(options), entries_(entries), error_(error) {}

  bool run() {
    std::error_code ec;
    canonical_root_ = fs::canonical(root_, ec);
    if (ec) return fail(fmt::format("cannot read '{}': {}", shown(root_.string()), ec.message()));
    walking_.push_back(canonical_root_);
    return folder(root_, canonical_root_, "", 0);
  }

 private:
  bool fail(std::string message) {
    error_ = std::move(message);
    return false;
  }

  // One folder's entries, stat'ed, in order; the folder is closed before anything below it
  // is opened.
  bool list(const fs::path& dir, const std::string& prefix, size_t depth,
            std::vector<TreeEntry>& out) {
    DIR* stream = ::opendir(dir.c_str());
    if (stream == nullptr) {
      return fail(fmt::format("cannot read the folder '{}': {}",
                              shown(prefix.empty() ? root_.string() : prefix),
                              std::strerror(errno)));
    }
    std::vector<std::string> names;
    while (const dirent* item = ::readdir(stream)) {
      std::string_view name = item->d_name;
      if (name != "." && name != "..") names.emplace_back(name);
    }
    if (options_.sort_names) {
      options_.sort_names(names);
    } else {
      std::sort(names.begin(), names.end());
    }
    const int fd = ::dirfd(stream);
    for (const std::string& name : names) {
      TreeEntry& entry = out.emplace_back();
      entry.relative = prefix + name;
      entry.path = dir / name;
      entry.depth = depth;
      if (::fstatat(fd, name.c_str(), &entry.info, AT_SYMLINK_NOFOLLOW) != 0) {
        ::closedir(stream);
        return fail(
            fmt::format("cannot read '{}': {}", shown(entry.relative), std::strerror(errno)));
      }
      entry.target = entry.info;
      if (entry.is_link()) {
        std::string target(PATH_MAX, '\0');
        ssize_t size = ::readlinkat(fd, name.c_str(), target.data(), target.size());
        entry.link_target = target.substr(0, size < 0 ? 0 : static_cast<size_t>(size));
        if (::fstatat(fd, name.c_str(), &entry.target, 0) != 0) entry.target = {};
      }
    }
    ::closedir(stream);
    return true;
  }

  // Where a link leads, for the rules: the target resolved, or (dangling) as far as it exists.
  bool check_link(TreeEntry& entry, const fs::path& physical_dir) {
    std::error_code ec;
    fs::path resolved = fs::canonical(entry.path, ec);
    if (ec == std::errc::no_such_file_or_directory) {
      fs::path written(entry.link_target);
      resolved = fs::weakly_canonical(written.is_absolute() ? written : physical_dir / written, ec);
    }
    const std::string link = shown(entry.relative);
    const std::string target = shown(entry.link_target);
    if (ec == std::errc::too_many_symbolic_link_levels) {
      return fail(fmt::format("'{}' -> '{}' is a symbolic link loop", link, target));
    }
    if (ec) return fail(fmt::format("cannot resolve the link '{}': {}", link, ec.message()));
    if (!is_valid_utf8(entry.link_target)) {
      return fail(fmt::format("'{}' is a symbolic link to '{}', a name that is not valid UTF-8",
                              link, target));
    }
    if (!inside(canonical_root_, resolved)) {
      return fail(fmt::format("'{}' is a symbolic link to '{}', outside the folder '{}'", link,
                              target, shown(root_.string())));
    }
    const bool holds_link =
        inside(resolved, physical_dir) ||
        (options_.follow_folder_links &&
         std::find(walking_.begin(), walking_.end(), resolved) != walking_.end());
    if (entry.is_folder() && holds_link) {
      return fail(fmt::format(
          "'{}' is a symbolic link to '{}', a folder that holds the link: a symbolic link loop",
          link, target));
    }
    entry.link_resolved = std::move(resolved);
    return true;
  }

  bool folder(const fs::path& dir, const fs::path& physical_dir, const std::string& prefix,
              size_t depth) {
    std::vector<TreeEntry> listed;
    if (!list(dir, prefix, depth, listed)) return false;
    for (TreeEntry& entry : listed) {
      const TreeVisit visit = options_.filter ? options_.filter(entry) : TreeVisit::Keep;
      if (visit == TreeVisit::Leave) continue;
      if (!is_valid_utf8(entry.relative)) {
        return fail(
            fmt::format("'{}': the name is not valid UTF-8; rename it", shown(entry.relative)));
      }
      if (entry.is_link() && !check_link(entry, physical_dir)) return false;
      const bool descend = (visit == TreeVisit::Keep || visit == TreeVisit::LeaveNotBelow) &&
                           entry.is_folder() && (!entry.is_link() || options_.follow_folder_links);
      const bool is_link = entry.is_link();
      fs::path path = entry.path;
      std::string below = entry.relative + "/";
      if (visit != TreeVisit::LeaveNotBelow) entries_.push_back(std::move(entry));
      if (!descend) continue;
      std::error_code ec;
      fs::path physical = path.filename();
      physical = is_link ? fs::canonical(path, ec) : physical_dir / physical;
      if (ec) return fail(fmt::format("cannot read '{}': {}", shown(below), ec.message()));
      walking_.push_back(physical);
      bool ok = folder(path, physical, below, depth + 1);
      walking_.pop_back();
      if (!ok) return false;
    }
    return true;
  }

  const fs::path& root_;
  const TreeWalkOptions& options_;
  std::vector<TreeEntry>& entries_;
  std::string& error_;
  fs::path canonical_root_;
  std::vector<fs::path> walking_;  // canonical folders from the root to the one being listed
};

}  // namespace

Result<std::vector<TreeEntry>> walk_tree(const fs::path& root, const TreeWalkOptions& options) {
  std::vector<TreeEntry> entries;
  std::string error;
  if (!Walk(root, options, entries, error).run()) return jobc::fail(std::move(error));
  return entries;
}

}  // namespace jobc
