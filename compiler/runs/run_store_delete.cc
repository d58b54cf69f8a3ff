// `jobc runs delete` and `jobc runs prune`: a run's folder and record go together. The folder
// is first renamed into HOME/trash/ inside the transaction that deletes the record, so a crash
// leaves either the whole run, or a folder in trash/ that repair() finishes deleting; never
// a record whose files are half gone.
#include <fmt/format.h>
#include <sys/stat.h>

#include "jobc/run_store.h"
#include "runs/stale_staging.h"
#include "support/private_files.h"

namespace jobc {

namespace fs = std::filesystem;

namespace {

// The disk space `folder` holds (as du counts it); a file with other hard links frees none.
uint64_t folder_disk_usage(const fs::path& folder) {
  uint64_t bytes = 0;
  std::error_code ec;
  fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    struct stat info {};
    if (lstat(it->path().c_str(), &info) == 0 && (S_ISDIR(info.st_mode) || info.st_nlink == 1)) {
      bytes += uint64_t(info.st_blocks) * 512;
    }
  }
  return bytes;
}

}  // namespace

Result<uint64_t> RunStore::remove(const std::string& id) {
  Result<std::vector<RunRecord>> found = matches(id, 1);
  if (!found) return found.error();
  if (found->empty() || found->front().id != id) return fail(fmt::format("no run '{}'", id));
  fs::path folder = run_dir(id);
  fs::path trash = home_ / "trash" / id;
  bool moved = false;
  auto move_to_trash = [&]() -> Status {
    std::error_code ec;
    if (!fs::exists(folder, ec)) return {};  // deleted by hand, or by an interrupted delete
    if (Status created = create_private_folder(home_ / "trash"); !created) return created;
    remove_folder_forcibly(trash);  // what an earlier delete of the same id left
    fs::rename(folder, trash, ec);
    if (ec) {
      return fail(
          fmt::format("cannot move {} to {}: {}", folder.string(), trash.string(), ec.message()));
    }
    moved = true;
    return {};
  };
  if (Status deleted = delete_ended_record(id, move_to_trash); !deleted) {
    std::error_code ignored;
    if (moved) fs::rename(trash, folder, ignored);  // the record stays: so does its folder
    return deleted.error();
  }
  uint64_t freed_bytes = folder_disk_usage(trash);
  remove_folder_forcibly(trash);
  std::error_code ec;
  if (fs::exists(trash, ec)) {
    return fail(
        fmt::format("its record is deleted, but {} could not be removed entirely", trash.string()));
  }
  return freed_bytes;
}

uint64_t RunStore::disk_usage(const std::string& id) const {
  return folder_disk_usage(run_dir(id));
}

std::vector<std::string> RunStore::finish_interrupted_removals() {
  std::vector<std::string> finished;
  std::error_code ec;
  for (fs::directory_iterator it(home_ / "trash", ec), end; !ec && it != end; it.increment(ec)) {
    std::string id = it->path().filename().string();
    // A record that has not ended is left alone (jobc never moves such a run's folder).
    if (!delete_ended_record(id, [] { return Status(); })) continue;
    remove_folder_forcibly(it->path());
    std::error_code gone;
    if (!fs::exists(it->path(), gone)) finished.push_back(id);
  }
  return finished;
}

}  // namespace jobc
