// The one walk over a user's folder that every reader of a tree uses (compile's hashes and
// manifest, the snapshot, Azure ML uploads, the Docker build context, the digest cache), so
// they all see the same entries and apply the same rules:
//  * a symbolic link whose target resolves outside the folder is an error naming the link
//    (relative to the folder) and its target, even when the target does not exist;
//  * a link loop is an error: a link that resolves to itself (a -> b -> a), a link to a folder
//    that holds it (`up -> ..`), or, where links are followed, to a folder being walked;
//  * a name that is not UTF-8 is an error, shown with \xNN escapes (jobc writes names into
//    JSON and scripts);
//  * a folder the filter leaves out, or whose contents it leaves out, is never opened;
//  * inside the folder, a link is reported as a link; with follow_folder_links the walk also
//    goes on into a linked folder, under the link's name (as the Azure ML SDK's walk does).
// Entries come in pre-order (a folder, then what it holds), siblings sorted by name.
#pragma once

#include <sys/stat.h>

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "jobc/result.h"

namespace jobc {

struct TreeEntry {
  std::string relative;                 // '/'-separated, from the walked folder
  std::filesystem::path path;           // the walked folder / relative
  struct stat info {};                  // lstat(): the entry itself
  struct stat target {};                // stat(): what it leads to (st_mode 0 for a dangling link)
  std::string link_target;              // a link's target as written
  std::filesystem::path link_resolved;  // where it leads: canonical (as far as it exists)
  size_t depth = 0;                     // 0 for the walked folder's own entries

  bool is_link() const { return S_ISLNK(info.st_mode); }
  // Leads to a folder or a regular file (through a link, too).
  bool is_folder() const { return S_ISDIR(target.st_mode); }
  bool is_file() const { return S_ISREG(target.st_mode); }
  std::string name() const { return relative.substr(relative.rfind('/') + 1); }
};

enum class TreeVisit {
  Keep,          // report the entry and walk into it
  Leave,         // neither: the entry and everything below it are left out
  KeepNotBelow,  // report the folder; nothing below it is wanted, so it is never opened
  LeaveNotBelow  // leave the folder itself out, but walk into it (a rule may keep a file)
};

struct TreeWalkOptions {
  // Decides on each entry (its relative path, lstat and stat are known); Keep when empty.
  // Rules are applied after this: a left-out link is never checked.
  std::function<TreeVisit(const TreeEntry&)> filter;
  // Orders one folder's names; byte order when empty.
  std::function<void(std::vector<std::string>&)> sort_names;
  bool follow_folder_links = false;
};

// Walks `root` (a folder): its entries, or an error when a rule above is broken or a folder
// cannot be read.
Result<std::vector<TreeEntry>> walk_tree(const std::filesystem::path& root,
                                         const TreeWalkOptions& options = {});

}  // namespace jobc
