#include "backends/docker/build_context.h"

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>

#include "support/text.h"
#include "support/tree_walk.h"

namespace jobc::docker {
namespace {

namespace fs = std::filesystem;

// A fixed time for every entry (2000-01-01T00:00:00Z): the engine's cache keys include it.
constexpr time_t kEntryTime = 946684800;

// Go's filepath.Clean for '/'-separated relative paths: no "", "." or ".." segments where
// they can be resolved, no trailing '/'.
std::string clean_path(std::string_view path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    std::string part(path.substr(start, slash - start));
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else {
        parts.push_back(part);
      }
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = slash + 1;
  }
  std::string out;
  for (const std::string& part : parts) out += (out.empty() ? "" : "/") + part;
  return out.empty() ? "." : out;
}

bool read_text(const fs::path& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream buffer;
  buffer << in.rdbuf();
  out = buffer.str();
  return true;
}

// Go filepath.Match of one segment-aware pattern against a whole path ('*' and '?' never
// cross '/'), extended with "**" (any number of characters, '/' included).
bool glob_match(std::string_view pattern, std::string_view text) {
  size_t p = 0;
  size_t t = 0;
  if (p == pattern.size()) return t == text.size();
  char c = pattern[p];
  if (c == '*') {
    bool double_star = p + 1 < pattern.size() && pattern[p + 1] == '*';
    std::string_view rest = pattern.substr(double_star ? p + 2 : p + 1);
    if (double_star && rest.starts_with("/")) {
      // "**/x" also matches "x" at this level.
      if (glob_match(rest.substr(1), text)) return true;
    }
    for (size_t i = t; i <= text.size(); ++i) {
      if (glob_match(rest, text.substr(i))) return true;
      if (i < text.size() && text[i] == '/' && !double_star) return false;
    }
    return false;
  }
  if (t == text.size()) return false;
  if (c == '?') return text[t] != '/' && glob_match(pattern.substr(1), text.substr(1));
  if (c == '[') {
    size_t i = p + 1;
    bool negate = i < pattern.size() && (pattern[i] == '^' || pattern[i] == '!');
    if (negate) ++i;
    bool matched = false;
    bool first = true;
    char ch = text[t];
    while (i < pattern.size() && (first || pattern[i] != ']')) {
      first = false;
      char low = pattern[i];
      if (low == '\\' && i + 1 < pattern.size()) low = pattern[++i];
      char high = low;
      if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
        high = pattern[i + 2];
        if (high == '\\' && i + 3 < pattern.size()) {
          high = pattern[i + 3];
          ++i;
        }
        i += 2;
      }
      if (low <= ch && ch <= high) matched = true;
      ++i;
    }
    if (i >= pattern.size()) return false;  // no closing ']': Go reports a bad pattern
    if (matched == negate || ch == '/') return false;
    return glob_match(pattern.substr(i + 1), text.substr(1));
  }
  if (c == '\\' && p + 1 < pattern.size()) {
    return text[t] == pattern[p + 1] && glob_match(pattern.substr(2), text.substr(1));
  }
  return text[t] == c && glob_match(pattern.substr(1), text.substr(1));
}

struct ArchiveDeleter {
  void operator()(archive* a) const {
    archive_write_close(a);
    archive_write_free(a);
  }
};

}  // namespace

DockerIgnore DockerIgnore::parse(std::string_view text) {
  DockerIgnore ignore;
  std::string line;
  std::istringstream in{std::string(text)};
  while (std::getline(in, line)) {
    std::string pattern = trim(line);
    if (pattern.empty() || pattern.starts_with("#")) continue;
    Rule rule;
    if (pattern.starts_with("!")) {
      rule.exception = true;
      pattern = trim(pattern.substr(1));
    }
    while (pattern.starts_with("/")) pattern.erase(0, 1);
    pattern = clean_path(pattern);
    if (pattern.empty()) continue;
    rule.pattern = pattern;
    ignore.rules_.push_back(std::move(rule));
  }
  return ignore;
}

bool DockerIgnore::matches(std::string_view pattern, std::string_view path) {
  if (glob_match(pattern, path)) return true;
  // A pattern naming a folder covers what is under it: try each parent of the path.
  for (size_t slash = path.find('/'); slash != std::string_view::npos;
       slash = path.find('/', slash + 1)) {
    if (glob_match(pattern, path.substr(0, slash))) return true;
  }
  return false;
}

bool DockerIgnore::has_exceptions() const {
  return std::any_of(rules_.begin(), rules_.end(), [](const Rule& rule) { return rule.exception; });
}

bool DockerIgnore::excluded(std::string_view relative_path) const {
  std::string path = clean_path(relative_path);
  bool out = false;
  for (const Rule& rule : rules_) {
    if (rule.exception == !out) continue;  // cannot change the answer
    if (matches(rule.pattern, path)) out = !rule.exception;
  }
  return out;
}

Result<std::vector<BuildContextEntry>> list_build_context(const BuildContextInputs& inputs) {
  std::vector<BuildContextEntry> entries;
  // jobc's files go under .jobc/, where the generated Dockerfile COPYs them from: the
  // user's context may have its own conda.yaml or requirements.txt at its root.
  entries.push_back({".jobc/", {}, BuildContextEntry::Type::Folder});
  entries.push_back({kContextDockerfile, inputs.artifacts_dir / "Dockerfile"});
  std::error_code unreadable;  // a file that cannot be examined is treated as absent
  for (const char* name : {"conda.yaml", "requirements.txt"}) {
    if (fs::exists(inputs.artifacts_dir / name, unreadable)) {
      entries.push_back({std::string(".jobc/") + name, inputs.artifacts_dir / name});
    }
  }
  if (!fs::exists(inputs.artifacts_dir / "Dockerfile", unreadable)) {
    return fail("no Dockerfile in " + inputs.artifacts_dir.string() + " (compile the job first)");
  }
  if (inputs.user_context) {
    const fs::path& root = *inputs.user_context;
    std::error_code ec;
    if (!fs::is_directory(root, ec)) {
      return fail(fmt::format("the build context '{}' is not a folder", root.string()));
    }
    // The engine reads <Dockerfile>.dockerignore first, then .dockerignore.
    DockerIgnore ignore;
    std::string text;
    if (read_text(root / (inputs.user_dockerfile + ".dockerignore"), text) ||
        read_text(root / ".dockerignore", text)) {
      ignore = DockerIgnore::parse(text);
    }
    // An excluded folder is opened only when a '!' line may bring back something inside it.
    TreeWalkOptions options;
    options.filter = [&ignore](const TreeEntry& item) {
      if (!ignore.excluded(item.relative)) return TreeVisit::Keep;
      return S_ISDIR(item.info.st_mode) && ignore.has_exceptions() ? TreeVisit::LeaveNotBelow
                                                                   : TreeVisit::Leave;
    };
    auto found = walk_tree(root, options);
    if (!found) {
      return fail(fmt::format("cannot read the build context '{}': {}", root.string(),
                              found.error().message));
    }
    for (const TreeEntry& item : *found) {
      if (item.relative == ".jobc" || item.relative.starts_with(".jobc/")) {
        return fail(
            fmt::format("the build context '{}' has a '.jobc' folder; jobc keeps its own "
                        "files there: rename it",
                        root.string()));
      }
      BuildContextEntry entry{item.relative, item.path};
      if (item.is_link()) {
        entry.type = BuildContextEntry::Type::Symlink;
      } else if (S_ISDIR(item.info.st_mode)) {
        entry.type = BuildContextEntry::Type::Folder;
        entry.name += "/";
        entry.source.clear();
      } else if (S_ISREG(item.info.st_mode)) {
        entry.executable = (item.info.st_mode & S_IXUSR) != 0;
      } else {
        continue;  // sockets, fifos
      }
      entries.push_back(std::move(entry));
    }
  }
  std::sort(entries.begin(), entries.end(),
            [](const BuildContextEntry& a, const BuildContextEntry& b) { return a.name < b.name; });
  return entries;
}

Status write_build_context(const std::vector<BuildContextEntry>& entries,
                           const fs::path& tar_file) {
  std::unique_ptr<archive, ArchiveDeleter> writer(archive_write_new());
  archive_write_set_format_pax_restricted(writer.get());
  archive_write_set_bytes_per_block(writer.get(), 10240);
  if (archive_write_open_filename(writer.get(), tar_file.c_str()) != ARCHIVE_OK) {
    return fail(
        fmt::format("cannot write {}: {}", tar_file.string(), archive_error_string(writer.get())));
  }
  std::vector<char> buffer(1 << 16);
  for (const BuildContextEntry& item : entries) {
    std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(),
                                                                        &archive_entry_free);
    archive_entry_set_pathname(entry.get(), item.name.c_str());
    archive_entry_set_uid(entry.get(), 0);
    archive_entry_set_gid(entry.get(), 0);
    archive_entry_set_mtime(entry.get(), kEntryTime, 0);
    std::ifstream in;
    if (item.type == BuildContextEntry::Type::Folder) {
      archive_entry_set_filetype(entry.get(), AE_IFDIR);
      archive_entry_set_perm(entry.get(), 0755);
    } else if (item.type == BuildContextEntry::Type::Symlink) {
      std::error_code ec;
      fs::path target = fs::read_symlink(item.source, ec);
      if (ec) {
        return fail(fmt::format("cannot read the link {}: {}", item.source.string(), ec.message()));
      }
      archive_entry_set_filetype(entry.get(), AE_IFLNK);
      archive_entry_set_perm(entry.get(), 0777);
      archive_entry_set_symlink(entry.get(), target.c_str());
    } else {
      std::error_code ec;
      auto size = fs::file_size(item.source, ec);
      in.open(item.source, std::ios::binary);
      if (ec || !in) {
        return fail(fmt::format("cannot read {}", item.source.string()));
      }
      archive_entry_set_filetype(entry.get(), AE_IFREG);
      archive_entry_set_perm(entry.get(), item.executable ? 0755 : 0644);
      archive_entry_set_size(entry.get(), static_cast<la_int64_t>(size));
    }
    if (archive_write_header(writer.get(), entry.get()) != ARCHIVE_OK) {
      return fail(fmt::format("cannot add {} to the build context: {}", item.name,
                              archive_error_string(writer.get())));
    }
    while (in.is_open() && in) {
      in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      std::streamsize got = in.gcount();
      if (got <= 0) break;
      if (archive_write_data(writer.get(), buffer.data(), static_cast<size_t>(got)) < 0) {
        return fail(fmt::format("cannot add {} to the build context: {}", item.name,
                                archive_error_string(writer.get())));
      }
    }
  }
  if (archive_write_close(writer.get()) != ARCHIVE_OK) {
    return fail(
        fmt::format("cannot write {}: {}", tar_file.string(), archive_error_string(writer.get())));
  }
  return {};
}

}  // namespace jobc::docker
