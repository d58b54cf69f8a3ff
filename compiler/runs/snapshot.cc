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
#include <thread>

#include "support/hash.h"
#include "support/ignore_rules.h"

namespace jobc {
namespace {

namespace fs = std::filesystem;

struct Entry {
  std::string relative;  // '/'-separated
  fs::path source;
  bool executable = false;
  bool symlink = false;
  std::string link_target;
  struct stat info {};
};

bool is_likely_secret(const std::string& relative) {
  std::string name = fs::path(relative).filename().string();
  return name == ".env" || name.ends_with(".pem") || name.rfind("id_rsa", 0) == 0 ||
         name.rfind("id_ed25519", 0) == 0 || relative.find(".aws/") != std::string::npos ||
         relative.rfind(".aws/", 0) == 0 || relative.find(".azure/") != std::string::npos;
}

bool inside(const fs::path& root, const fs::path& path) {
  auto [root_end, path_it] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return root_end == root.end();
}

// Lists the files to snapshot, sorted; refuses symlinks that leave the folder.
bool collect(const fs::path& root, const fs::path& exclude, std::vector<Entry>& out,
             std::string& error) {
  IgnoreRules rules;
  for (const char* name : {".amlignore", ".gitignore"}) {
    std::ifstream in(root / name);
    if (in) {
      rules = IgnoreRules::parse(std::string(std::istreambuf_iterator<char>(in), {}));
      break;
    }
  }
  fs::path canonical_root = fs::canonical(root);
  std::error_code ec;
  fs::recursive_directory_iterator it(root, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    fs::path path = it->path();
    std::string relative = path.lexically_relative(root).generic_string();
    bool is_dir = it->is_directory() && !it->is_symlink();
    if (is_dir &&
        (path.filename() == ".git" || (!exclude.empty() && fs::equivalent(path, exclude, ec)))) {
      it.disable_recursion_pending();
      continue;
    }
    if (rules.ignored(relative, is_dir)) {
      if (is_dir) it.disable_recursion_pending();
      continue;
    }
    if (is_dir) continue;
    Entry entry;
    entry.relative = relative;
    entry.source = path;
    if (lstat(path.c_str(), &entry.info) != 0) {
      error = fmt::format("cannot read '{}'", path.string());
      return false;
    }
    if (S_ISLNK(entry.info.st_mode)) {
      fs::path target = fs::weakly_canonical(path, ec);
      if (ec || !inside(canonical_root, target)) {
        error = fmt::format(
            "'{}' is a symlink to '{}', outside the code folder; jobc refuses to "
            "snapshot it (copy the file in, or list it in .amlignore)",
            relative, fs::read_symlink(path, ec).string());
        return false;
      }
      entry.symlink = true;
      entry.link_target = fs::read_symlink(path, ec).string();
    } else if (!S_ISREG(entry.info.st_mode)) {
      continue;  // sockets, fifos, devices: not code
    }
    entry.executable = (entry.info.st_mode & S_IXUSR) != 0;
    out.push_back(std::move(entry));
  }
  if (ec) {
    error = fmt::format("cannot read the code folder: {}", ec.message());
    return false;
  }
  std::sort(out.begin(), out.end(),
            [](const Entry& a, const Entry& b) { return a.relative < b.relative; });
  return true;
}

// The "stat key" of a tree (paths, sizes, mtimes, inodes): when it matches an earlier
// snapshot, the contents are taken as unchanged without reading them (as git's index does).
std::string stat_key(const fs::path& root, const std::vector<Entry>& entries) {
  Hasher hasher(HashKind::Sha256);
  hasher.update(fs::absolute(root).string());
  for (const Entry& e : entries) {
    hasher.update(fmt::format("{}\n{} {} {} {} {} {}\n", e.relative, e.info.st_size,
                              e.info.st_mtim.tv_sec, e.info.st_mtim.tv_nsec, e.info.st_ino,
                              e.info.st_mode, e.link_target));
  }
  return hasher.hex();
}

// Copies one file into the staging folder while hashing it (one read per file); returns its
// line of the tree listing, or nullopt. Folders exist already (make_folders).
// Paths are opened relative to the staging folder's descriptor: the kernel's path walk of
// the long absolute names was a visible share of copying 10,000 small files.
std::optional<std::string> copy_and_hash(const Entry& entry, int staging) {
  if (entry.symlink) {
    if (::symlinkat(entry.link_target.c_str(), staging, entry.relative.c_str()) != 0) {
      return std::nullopt;
    }
    return fmt::format("L {}\n{}\n", entry.relative, entry.link_target);
  }
  int in = ::open(entry.source.c_str(), O_RDONLY | O_CLOEXEC);
  int out = ::openat(staging, entry.relative.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                     entry.executable ? 0555 : 0444);
  if (in < 0 || out < 0) {
    if (in >= 0) ::close(in);
    if (out >= 0) ::close(out);
    return std::nullopt;
  }
  Hasher file(HashKind::Sha256);
  char buffer[1 << 16];
  bool ok = true;
  for (ssize_t n; (n = ::read(in, buffer, sizeof buffer)) != 0;) {
    if (n < 0 || ::write(out, buffer, static_cast<size_t>(n)) != n) {
      ok = false;
      break;
    }
    file.update(std::string_view(buffer, static_cast<size_t>(n)));
  }
  ::close(in);
  ok = (::close(out) == 0) && ok;
  if (!ok) return std::nullopt;
  return fmt::format("{} {}\n{}\n", entry.executable ? "X" : "F", entry.relative, file.hex());
}

// Creates every folder the entries need, once each, parents first (sorted order).
bool make_folders(const fs::path& staging, const std::vector<Entry>& entries) {
  std::vector<std::string> folders;
  for (const Entry& entry : entries) {
    for (size_t slash = entry.relative.find('/'); slash != std::string::npos;
         slash = entry.relative.find('/', slash + 1)) {
      folders.push_back(entry.relative.substr(0, slash));
    }
  }
  std::sort(folders.begin(), folders.end());
  folders.erase(std::unique(folders.begin(), folders.end()), folders.end());
  for (const std::string& folder : folders) {
    if (::mkdir((staging / folder).c_str(), 0755) != 0 && errno != EEXIST) return false;
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

std::optional<Snapshot> snapshot_code(const fs::path& code, const fs::path& store,
                                      const fs::path& exclude, std::string& error,
                                      const SnapshotLimits& limits) {
  std::vector<Entry> entries;
  if (!collect(code, exclude, entries, error)) return std::nullopt;
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
  fs::path stat_file = store / "by-stat" / stat_key(code, entries);
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
  bool copied = false;
  if (!make_folders(staging, entries)) {
    error =
        fmt::format("cannot create folders in '{}': {}", staging.string(), std::strerror(errno));
  } else if ((failed = copy_all(entries, staging, lines))) {
    error = fmt::format("cannot copy '{}'", entries[*failed].relative);
  } else {
    copied = true;
  }
  if (!copied) {
    fs::remove_all(staging, ec);
    return std::nullopt;
  }
  Hasher tree(HashKind::Sha256);
  for (const std::string& line : lines) tree.update(line);
  snapshot.hash = tree.hex();
  snapshot.dir = store / snapshot.hash;
  if (fs::is_directory(snapshot.dir, ec)) {
    snapshot.reused = true;
    fs::permissions(staging, fs::perms::owner_all, fs::perm_options::add, ec);
    for (auto& item : fs::recursive_directory_iterator(staging, ec)) {
      if (item.is_directory())
        fs::permissions(item.path(), fs::perms::owner_all, fs::perm_options::add, ec);
    }
    fs::remove_all(staging, ec);
  } else {
    fs::rename(staging, snapshot.dir, ec);
    if (ec && !fs::is_directory(snapshot.dir)) {
      error = fmt::format("cannot store the snapshot: {}", ec.message());
      return std::nullopt;
    }
  }
  std::ofstream(stat_file) << snapshot.hash;
  return snapshot;
}

bool materialize_snapshot(const Snapshot& snapshot, const fs::path& work, std::string& error) {
  std::error_code ec;
  fs::create_directories(work, ec);
  for (fs::recursive_directory_iterator it(snapshot.dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    fs::path target = work / it->path().lexically_relative(snapshot.dir);
    if (it->is_directory() && !it->is_symlink()) {
      fs::create_directories(target, ec);
    } else if (it->is_symlink()) {
      fs::copy_symlink(it->path(), target, ec);
    } else {
      fs::create_hard_link(it->path(), target, ec);
      if (ec) {
        ec.clear();
        fs::copy_file(it->path(), target, ec);
      }
    }
    if (ec) break;
  }
  if (ec) error = fmt::format("cannot prepare the run's folder: {}", ec.message());
  return !ec;
}

}  // namespace jobc
