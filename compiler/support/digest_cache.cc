#include "support/digest_cache.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <optional>

#include "support/hash.h"

namespace jobc {
namespace {

namespace fs = std::filesystem;

std::optional<fs::path> cache_folder() {
  const char* configured = std::getenv("JOBC_DIGEST_CACHE");
  if (configured != nullptr && *configured != '\0') {
    std::string_view value(configured);
    if (value == "off" || value == "0") return std::nullopt;
    return fs::path(value);
  }
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg == '/') {
    return fs::path(xdg) / "jobc" / "digests";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home == '/') {
    return fs::path(home) / ".cache" / "jobc" / "digests";
  }
  return std::nullopt;
}

// One entry's line of the key; the path is length-prefixed, so no name can forge a line.
void append_stat(std::string& key, std::string_view relative, const struct stat& info) {
  key += fmt::format("{}:{} {} {} {} {} {}.{} {}.{}\n", relative.size(), relative, info.st_dev,
                     info.st_ino, info.st_mode, info.st_size, info.st_mtim.tv_sec,
                     info.st_mtim.tv_nsec, info.st_ctim.tv_sec, info.st_ctim.tv_nsec);
}

struct StatKey {
  std::string text;
  uint64_t bytes = 0;
};

// Every file and folder under `path` the walk keeps, with its identity, size and times;
// nullopt when the tree holds a symbolic link (its target could change unseen) or cannot be
// listed.
std::optional<StatKey> stat_key(const fs::path& path, const TreeWalkOptions& walk) {
  StatKey key;
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0 || S_ISLNK(info.st_mode)) return std::nullopt;
  key.text = fmt::format("jobc-digest-key 2\n{}:{}\n", path.native().size(), path.native());
  append_stat(key.text, ".", info);
  if (S_ISREG(info.st_mode)) {
    key.bytes = static_cast<uint64_t>(info.st_size);
    return key;
  }
  if (!S_ISDIR(info.st_mode)) return std::nullopt;
  auto entries = walk_tree(path, walk);
  if (!entries) return std::nullopt;
  for (const TreeEntry& entry : *entries) {
    if (entry.is_link()) return std::nullopt;
    append_stat(key.text, entry.relative, entry.info);
    if (S_ISREG(entry.info.st_mode)) key.bytes += static_cast<uint64_t>(entry.info.st_size);
  }
  return key;
}

std::optional<std::string> read_entry(const fs::path& file) {
  std::ifstream in(file);
  std::string digest;
  if (!(in >> digest) || digest.size() < 32 || digest.size() > 128) return std::nullopt;
  return digest;
}

void write_entry(const fs::path& folder, const fs::path& file, const std::string& digest) {
  std::error_code error;
  fs::create_directories(folder, error);
  // Written aside, then renamed: a reader never sees half an entry.
  fs::path temporary = file;
  temporary += fmt::format(".{}.tmp", ::getpid());
  {
    std::ofstream out(temporary);
    out << digest << "\n";
    if (!out) {
      fs::remove(temporary, error);
      return;
    }
  }
  fs::rename(temporary, file, error);
  if (error) fs::remove(temporary, error);
}

}  // namespace

Result<std::string> cached_digest(std::string_view kind, const fs::path& path,
                                  const std::function<Result<std::string>()>& compute,
                                  const TreeWalkOptions& walk) {
  std::optional<fs::path> folder = cache_folder();
  if (!folder) return compute();
  std::optional<StatKey> before = stat_key(path, walk);
  if (!before || before->bytes < kMinCachedBytes) return compute();
  const fs::path entry = *folder / sha256_hex(fmt::format("{}\n{}", kind, before->text));
  if (std::optional<std::string> known = read_entry(entry)) return *known;
  Result<std::string> digest = compute();
  if (!digest) return digest;
  // Stored only if nothing changed while it was computed.
  std::optional<StatKey> after = stat_key(path, walk);
  if (after && after->text == before->text) write_entry(*folder, entry, *digest);
  return digest;
}

}  // namespace jobc
