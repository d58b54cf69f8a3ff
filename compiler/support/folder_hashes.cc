// Ports of the SDK's hashing walks (azure/ai/ml/_utils/_asset_utils.py).
#include "support/folder_hashes.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <functional>
#include <locale>
#include <sstream>
#include <stdexcept>

#include "support/digest_cache.h"
#include "support/hash.h"
#include "support/tree_walk.h"
#include "support/utf8.h"

namespace jobc {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kUploadHashSeed = "Initialize for october 2021 AML CLI version";

// The walks below report a failure by throwing std::runtime_error (as do the throwing
// std::filesystem calls they make), which keeps the SDK's recursive shapes readable; every
// public function catches them in caught() at the end of this file, so none leaves it.
void ensure(const Status& status) {
  if (!status) throw std::runtime_error(status.error().message);
}

template <class Compute>
auto caught(Compute compute) -> Result<decltype(compute())> {
  try {
    return compute();
  } catch (const std::exception& error) {
    return fail(error.what());
  }
}

// Python's str.lower() for sorting: Unicode simple lowercase (via the C.UTF-8 locale, ASCII
// if that is missing) plus U+0130, the one character whose lowercase is two characters.
std::u32string python_lower(std::string_view utf8) {
  // ASCII names (nearly all) need no locale: loading C.UTF-8 reads a dozen files.
  if (std::all_of(utf8.begin(), utf8.end(), [](char c) { return (c & 0x80) == 0; })) {
    std::u32string out(utf8.begin(), utf8.end());
    for (char32_t& c : out) c = c >= U'A' && c <= U'Z' ? c + 32 : c;
    return out;
  }
  static const std::ctype<wchar_t>* const kCtype = []() -> const std::ctype<wchar_t>* {
    try {
      static const std::locale kLocale("C.UTF-8");
      return &std::use_facet<std::ctype<wchar_t>>(kLocale);
    } catch (const std::runtime_error&) {
      return nullptr;
    }
  }();
  std::u32string out;
  for (char32_t c : decode_utf8(utf8)) {
    if (c == 0x130) {
      out += U"i\u0307";
    } else if (kCtype != nullptr) {
      out.push_back(static_cast<char32_t>(kCtype->tolower(static_cast<wchar_t>(c))));
    } else {
      out.push_back(c >= U'A' && c <= U'Z' ? c + 32 : c);
    }
  }
  return out;
}

// Sorts like Python's sorted(key=str.lower); names equal but for case keep byte order, which
// is what the SDK's stable sort gives for names in one folder listed in byte order.
template <typename T, typename Name>
void sort_like_python_lower(std::vector<T>& items, Name name_of) {
  std::vector<std::pair<std::u32string, size_t>> keys;
  for (size_t i = 0; i < items.size(); ++i) keys.emplace_back(python_lower(name_of(items[i])), i);
  std::sort(keys.begin(), keys.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return name_of(items[a.second]) < name_of(items[b.second]);
  });
  std::vector<T> sorted;
  for (const auto& key : keys) sorted.push_back(std::move(items[key.second]));
  items = std::move(sorted);
}

// The SDK's walks follow links into folders (os.walk(followlinks=True), os.path.isdir) and
// list each folder sorted like Python's str.lower; the tree walk adds jobc's rules for links.
// A folder the rules leave out whole is never opened: it adds nothing to either walk.
std::vector<TreeEntry> sdk_walk(const fs::path& root, const IgnoreRules& rules,
                                const std::function<TreeVisit(const TreeEntry&)>& filter) {
  TreeWalkOptions options;
  options.follow_folder_links = true;
  options.sort_names = [](std::vector<std::string>& names) {
    sort_like_python_lower(names,
                           [](const std::string& name) -> const std::string& { return name; });
  };
  options.filter = [&](const TreeEntry& entry) {
    if (entry.is_folder() && rules.excludes_everything_below(entry.relative)) {
      return filter(entry) == TreeVisit::Keep ? TreeVisit::KeepNotBelow : TreeVisit::Leave;
    }
    return filter(entry);
  };
  auto entries = walk_tree(root, options);
  if (!entries) throw std::runtime_error(entries.error().message);
  return std::move(entries).value();
}

// _get_dir_hash: each entry's name, then its bytes or its own entries (the walk's pre-order).
// The SDK asks the ignore rules about directories as if they were files (see ignore_rules.h).
void hash_folder(const fs::path& root, const IgnoreRules& rules, Hasher& md5) {
  auto filter = [&rules](const TreeEntry& entry) {
    return rules.ignored(entry.relative, false) ? TreeVisit::Leave : TreeVisit::Keep;
  };
  for (const TreeEntry& entry : sdk_walk(root, rules, filter)) {
    md5.update(entry.name());
    if (entry.is_file()) ensure(md5.update_file(entry.path));
  }
}

// os.walk(followlinks=True) + traverse_directory: every file, ignore rules asked per file.
std::vector<SnapshotFile> collect_files(const fs::path& root, const IgnoreRules& rules) {
  auto filter = [&rules](const TreeEntry& entry) {
    if (entry.is_folder()) return TreeVisit::LeaveNotBelow;
    return rules.ignored(entry.relative, false) ? TreeVisit::Leave : TreeVisit::Keep;
  };
  std::vector<SnapshotFile> files;
  for (const TreeEntry& entry : sdk_walk(root, rules, filter)) {
    if (entry.is_file()) {
      files.push_back({entry.path, entry.relative, static_cast<uintmax_t>(entry.target.st_size)});
    }
  }
  return files;
}

std::string read_text_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return buffer.str();
}

IgnoreRules read_root_ignore_rules(const fs::path& folder) {
  for (const char* name : {".amlignore", ".gitignore"}) {
    if (fs::exists(folder / name)) return IgnoreRules::parse(read_text_file(folder / name));
  }
  return {};
}

std::string compute_upload_hash(const fs::path& file_or_dir) {
  const fs::path root = fs::canonical(file_or_dir);  // the SDK resolves the path first
  const bool folder = fs::is_directory(root);
  const IgnoreRules rules = folder ? read_root_ignore_rules(root) : IgnoreRules();
  // The cache key covers what the hash reads and the ignore files that choose it.
  TreeWalkOptions key_walk;
  key_walk.filter = [&rules](const TreeEntry& entry) {
    if (entry.depth == 0 && (entry.relative == ".amlignore" || entry.relative == ".gitignore")) {
      return TreeVisit::Keep;
    }
    if (rules.ignored(entry.relative, false)) return TreeVisit::Leave;
    return entry.is_folder() && rules.excludes_everything_below(entry.relative)
               ? TreeVisit::KeepNotBelow
               : TreeVisit::Keep;
  };
  auto compute = [&] {
    Hasher md5(HashKind::Md5);
    md5.update(kUploadHashSeed);
    if (folder) {
      hash_folder(root, rules, md5);
    } else {
      ensure(md5.update_file(root));  // a single file: its bytes, not its name
    }
    return md5.hex();
  };
  Result<std::string> digest = cached_digest(
      "azureml-upload-md5", root, [&] { return caught(compute); }, key_walk);
  ensure(digest ? Status() : digest.error());
  return *digest;
}

std::vector<SnapshotFile> list_snapshot_files(const fs::path& file_or_dir) {
  const fs::path root = fs::canonical(file_or_dir);
  if (!fs::is_directory(root)) {
    return {{root, root.filename().string(), fs::file_size(root)}};
  }
  std::vector<SnapshotFile> files = collect_files(root, read_root_ignore_rules(root));
  sort_like_python_lower(
      files, [](const SnapshotFile& file) -> const std::string& { return file.relative_path; });
  return files;
}

std::string compute_code_content_hash(const fs::path& file_or_dir) {
  const std::vector<SnapshotFile> files = list_snapshot_files(file_or_dir);
  Hasher sha256(HashKind::Sha256);
  sha256.update(std::to_string(files.size()));
  for (const SnapshotFile& file : files) {
    sha256.update("#" + file.relative_path + "#");
    sha256.update(std::to_string(file.size));
  }
  for (const SnapshotFile& file : files) ensure(sha256.update_file(file.source));
  return sha256.hex();
}

}  // namespace

Result<IgnoreRules> root_ignore_rules(const fs::path& folder) {
  return caught([&] { return read_root_ignore_rules(folder); });
}

Result<std::string> upload_hash(const fs::path& file_or_dir) {
  return caught([&] { return compute_upload_hash(file_or_dir); });
}

Result<std::vector<SnapshotFile>> snapshot_files(const fs::path& file_or_dir) {
  return caught([&] { return list_snapshot_files(file_or_dir); });
}

Result<std::string> code_content_hash(const fs::path& file_or_dir) {
  return caught([&] { return compute_code_content_hash(file_or_dir); });
}

}  // namespace jobc
