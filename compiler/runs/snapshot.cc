#include "jobc/snapshot.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <thread>

#include "support/file_text.h"
#include "support/hash.h"
#include "support/ignore_rules.h"
#include "support/tree_walk.h"

namespace jobc {
namespace {

namespace fs = std::filesystem;

struct Entry {
  std::string relative;  // '/'-separated
  fs::path source;
  mode_t mode = 0;  // as stored: see stored_file_mode
  bool symlink = false;
  std::string link_target;
  struct stat info {};
};

// The code's permissions, less write access (a snapshot never changes): a file or folder
// only its owner may read stays so in the store and in every run folder made from it.
mode_t stored_file_mode(mode_t source) {
  return (source & 0555) | 0400;
}
// Folders stay writable by their owner: jobc removes stale staging folders.
mode_t stored_folder_mode(mode_t source) {
  return (source & 0755) | 0700;
}

// A length-prefixed field ("5:hello"): whatever bytes a name holds, the listing reads back
// one way only, so two different trees never hash alike.
std::string field(std::string_view bytes) {
  return fmt::format("{}:{}", bytes.size(), bytes);
}

bool is_likely_secret(const std::string& relative) {
  std::string name = fs::path(relative).filename().string();
  return name == ".env" || name.ends_with(".pem") || name.rfind("id_rsa", 0) == 0 ||
         name.rfind("id_ed25519", 0) == 0 || relative.find(".aws/") != std::string::npos ||
         relative.rfind(".aws/", 0) == 0 || relative.find(".azure/") != std::string::npos;
}

// An absolute link inside the folder would point back at the live code, not the snapshot:
// it is stored relative to the link's own folder.
std::string stored_link_target(const TreeEntry& link, const fs::path& canonical_root) {
  if (!fs::path(link.link_target).is_absolute()) return link.link_target;
  fs::path folder = (canonical_root / link.relative).parent_path();
  return link.link_resolved.lexically_relative(folder).string();
}

struct CodeTree {
  std::vector<Entry> files;               // files and links, sorted
  std::map<std::string, mode_t> folders;  // every folder ("" for the root), stored mode
};

// Lists the files to snapshot, sorted, with the tree walk's rules (support/tree_walk.h).
Result<CodeTree> collect(const fs::path& root, const fs::path& exclude) {
  IgnoreRules rules;
  for (const char* name : {".amlignore", ".gitignore"}) {
    if (auto text = read_text(root / name)) {
      rules = IgnoreRules::parse(*text);
      break;
    }
  }
  struct stat excluded {};
  const bool has_exclude = !exclude.empty() && ::stat(exclude.c_str(), &excluded) == 0;
  TreeWalkOptions options;
  options.filter = [&](const TreeEntry& entry) {
    const bool folder = S_ISDIR(entry.info.st_mode);
    const bool jobc_home =
        has_exclude && entry.info.st_dev == excluded.st_dev && entry.info.st_ino == excluded.st_ino;
    if (folder && (entry.name() == ".git" || jobc_home)) return TreeVisit::Leave;
    return rules.ignored(entry.relative, folder) ? TreeVisit::Leave : TreeVisit::Keep;
  };
  struct stat root_info {};
  if (::stat(root.c_str(), &root_info) != 0) {
    return fail(fmt::format("cannot read '{}': {}", root.string(), strerror(errno)));
  }
  auto walked = walk_tree(root, options);
  if (!walked) return walked.error();
  CodeTree tree;
  tree.folders[""] = stored_folder_mode(root_info.st_mode);
  std::error_code ec;
  const fs::path canonical_root = fs::canonical(root, ec);  // the walk has resolved it already
  for (TreeEntry& walked_entry : *walked) {
    const mode_t mode = walked_entry.info.st_mode;
    if (S_ISDIR(mode)) {
      tree.folders[walked_entry.relative] = stored_folder_mode(mode);
      continue;
    }
    if (!S_ISLNK(mode) && !S_ISREG(mode)) continue;  // sockets, fifos, devices: not code
    Entry entry;
    entry.relative = walked_entry.relative;
    entry.source = walked_entry.path;
    entry.info = walked_entry.info;
    entry.symlink = S_ISLNK(mode);
    entry.mode = entry.symlink ? 0 : stored_file_mode(mode);
    if (entry.symlink) entry.link_target = stored_link_target(walked_entry, canonical_root);
    tree.files.push_back(std::move(entry));
  }
  std::sort(tree.files.begin(), tree.files.end(),
            [](const Entry& a, const Entry& b) { return a.relative < b.relative; });
  return tree;
}

// The "stat key" of a tree (paths, sizes, mtimes, inodes, modes): when it matches an earlier
// snapshot, the contents are taken as unchanged without reading them (as git's index does).
std::string stat_key(const fs::path& root, const CodeTree& tree) {
  Hasher hasher(HashKind::Sha256);
  hasher.update(fmt::format("jobc-snapshot-stat 2\n{}\n", field(fs::absolute(root).string())));
  for (const auto& [relative, mode] : tree.folders) {
    hasher.update(fmt::format("D {} {:o}\n", field(relative), mode));
  }
  for (const Entry& e : tree.files) {
    hasher.update(fmt::format("{} {} {} {} {} {} {}\n", field(e.relative), e.info.st_size,
                              e.info.st_mtim.tv_sec, e.info.st_mtim.tv_nsec, e.info.st_ino,
                              e.info.st_mode, field(e.link_target)));
  }
  return hasher.hex();
}

// The snapshot's identity starts with its version and the folders' modes; each file or link
// then adds its record (copy_and_hash).
std::string folder_records(const CodeTree& tree) {
  std::string records = "jobc-snapshot 2\n";
  for (const auto& [relative, mode] : tree.folders) {
    records += fmt::format("D {:o} {}\n", mode, field(relative));
  }
  return records;
}

// Copies one file into the staging folder while hashing it (one read per file); returns its
// record in the tree listing, or nullopt. Folders exist already (make_folders).
// Paths are opened relative to the staging folder's descriptor: the kernel's path walk of
// the long absolute names was a visible share of copying 10,000 small files.
std::optional<std::string> copy_and_hash(const Entry& entry, int staging) {
  if (entry.symlink) {
    if (::symlinkat(entry.link_target.c_str(), staging, entry.relative.c_str()) != 0) {
      return std::nullopt;
    }
    return fmt::format("L {} {}\n", field(entry.relative), field(entry.link_target));
  }
  int in = ::open(entry.source.c_str(), O_RDONLY | O_CLOEXEC);
  int out = ::openat(staging, entry.relative.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                     entry.mode);
  if (in < 0 || out < 0) {
    if (in >= 0) ::close(in);
    if (out >= 0) ::close(out);
    return std::nullopt;
  }
  Hasher file(HashKind::Sha256);
  char buffer[1 << 16];
  bool ok = ::fchmod(out, entry.mode) == 0;  // exactly the recorded mode, whatever the umask
  for (ssize_t n; ok && (n = ::read(in, buffer, sizeof buffer)) != 0;) {
    if (n < 0 || ::write(out, buffer, static_cast<size_t>(n)) != n) {
      ok = false;
      break;
    }
    file.update(std::string_view(buffer, static_cast<size_t>(n)));
  }
  ::close(in);
  ok = (::close(out) == 0) && ok;
  if (!ok) return std::nullopt;
  return fmt::format("F {:o} {} {}\n", entry.mode, field(entry.relative), file.hex());
}

// Creates every folder of the tree with its recorded mode, parents first (sorted order).
bool make_folders(const fs::path& staging, const CodeTree& tree) {
  for (const auto& [relative, mode] : tree.folders) {
    const fs::path folder = staging / relative;
    if (!relative.empty() && ::mkdir(folder.c_str(), mode) != 0 && errno != EEXIST) return false;
    if (::chmod(folder.c_str(), mode) != 0) return false;  // whatever the umask
  }
  return true;
}

// Copies and hashes the files on several threads (each file is independent; the time is
// spent creating files and hashing); `lines` is filled in entry order. Returns the index of
// a file that could not be copied, or nullopt.
std::optional<size_t> copy_all(const std::vector<Entry>& entries, const fs::path& staging,
                               std::vector<std::string>& lines) {
  lines.assign(entries.size(), {});
  if (entries.empty()) return std::nullopt;
  int folder = ::open(staging.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (folder < 0) return 0;
  std::atomic<size_t> next{0};
  std::atomic<size_t> failed{entries.size()};
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < entries.size() && failed == entries.size();) {
      std::optional<std::string> line = copy_and_hash(entries[i], folder);
      if (!line) {
        failed = i;
        return;
      }
      lines[i] = std::move(*line);
    }
  };
  size_t threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
  threads = std::min(threads, 1 + entries.size() / 64);  // small folders: no thread start-up
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& thread : pool) thread.join();
  ::close(folder);
  if (failed != entries.size()) return failed.load();
  return std::nullopt;
}

}  // namespace

Result<Snapshot> snapshot_code(const fs::path& code, const fs::path& store, const fs::path& exclude,
                               const SnapshotLimits& limits) {
  auto collected = collect(code, exclude);
  if (!collected) return collected.error();
  const CodeTree& tree = *collected;
  const std::vector<Entry>& entries = tree.files;
  Snapshot snapshot;
  snapshot.files = entries.size();
  for (const Entry& e : entries) {
    snapshot.bytes += static_cast<uint64_t>(e.info.st_size);
    if (is_likely_secret(e.relative)) {
      snapshot.warnings.push_back(fmt::format(
          "'{}' looks like a secret and will be part of the snapshot; list it in .amlignore",
          e.relative));
    }
  }
  if (snapshot.bytes > limits.warn_bytes || snapshot.files > limits.warn_files) {
    snapshot.warnings.push_back(fmt::format(
        "the code folder holds {} files, {:.1f} MB: above Azure ML's snapshot limits ({} files, "
        "{} MB); list large data in .amlignore",
        snapshot.files, snapshot.bytes / 1048576.0, limits.warn_files, limits.warn_bytes >> 20));
  }
  std::error_code ec;
  fs::create_directories(store / "by-stat", ec);
  fs::path stat_file = store / "by-stat" / stat_key(code, tree);
  std::string known;
  if (std::ifstream in(stat_file); in >> known && fs::is_directory(store / known, ec)) {
    snapshot.hash = known;
    snapshot.dir = store / known;
    snapshot.reused = true;
    return snapshot;
  }
  // Stage under a private name, then rename: concurrent submits of the same code race safely.
  fs::path staging = store / fmt::format(".staging-{}-{}", ::getpid(), entries.size());
  fs::remove_all(staging, ec);
  fs::create_directories(staging, ec);  // an empty code folder is a valid snapshot too
  std::vector<std::string> lines;
  std::optional<size_t> failed;
  std::string error;
  if (!make_folders(staging, tree)) {
    error =
        fmt::format("cannot create folders in '{}': {}", staging.string(), std::strerror(errno));
  } else if ((failed = copy_all(entries, staging, lines))) {
    error = fmt::format("cannot copy '{}'", entries[*failed].relative);
  }
  if (!error.empty()) {
    fs::remove_all(staging, ec);
    return fail(std::move(error));
  }
  Hasher listing(HashKind::Sha256);
  listing.update(folder_records(tree));
  for (const std::string& line : lines) listing.update(line);
  snapshot.hash = listing.hex();
  snapshot.dir = store / snapshot.hash;
  if (fs::is_directory(snapshot.dir, ec)) {
    snapshot.reused = true;
    fs::remove_all(staging, ec);  // its folders are all writable by their owner
  } else {
    fs::rename(staging, snapshot.dir, ec);
    if (std::error_code again; ec && !fs::is_directory(snapshot.dir, again)) {
      return fail(fmt::format("cannot store the snapshot: {}", ec.message()));
    }
  }
  std::ofstream(stat_file) << snapshot.hash;
  return snapshot;
}

Status materialize_snapshot(const Snapshot& snapshot, const fs::path& work) {
  std::error_code ec;
  struct stat root {};
  if (::stat(snapshot.dir.c_str(), &root) != 0) {
    return fail(fmt::format("cannot read the snapshot '{}': {}", snapshot.dir.string(),
                            std::strerror(errno)));
  }
  auto walked = walk_tree(snapshot.dir);
  if (!walked) {
    return fail(fmt::format("cannot read the snapshot '{}': {}", snapshot.dir.string(),
                            walked.error().message));
  }
  const std::vector<TreeEntry>& entries = *walked;
  // Folders keep the snapshot's modes (owner-only stays owner-only); files are hard links.
  fs::create_directories(work, ec);
  if (!ec && ::chmod(work.c_str(), root.st_mode & 07777) != 0) {
    ec = std::error_code(errno, std::generic_category());
  }
  for (const TreeEntry& entry : entries) {
    if (ec) break;
    const fs::path target = work / entry.relative;
    if (S_ISDIR(entry.info.st_mode)) {
      if ((::mkdir(target.c_str(), 0700) != 0 && errno != EEXIST) ||
          ::chmod(target.c_str(), entry.info.st_mode & 07777) != 0) {
        ec = std::error_code(errno, std::generic_category());
      }
    } else if (entry.is_link()) {
      fs::create_symlink(entry.link_target, target, ec);
    } else {
      fs::create_hard_link(entry.path, target, ec);
      if (ec) {
        ec.clear();
        fs::copy_file(entry.path, target, ec);  // keeps the mode
      }
    }
  }
  if (ec) return fail(fmt::format("cannot prepare the run's folder: {}", ec.message()));
  return {};
}

}  // namespace jobc
