// The hashes and file lists of a local file or folder as the Azure ML SDK (azure-ai-ml 1.4.0)
// computes them before it uploads it, so uploads and code versions are named as the SDK
// names them (and can be hashed ahead, see codegen/digest_prefetch.h):
//  * upload_hash: the md5 behind LocalUpload/<hash>/<name> (_asset_utils.get_object_hash);
//  * snapshot_files: the files an upload holds, in the SDK's order;
//  * code_content_hash: a code version's hash_sha256, hash_version 202208 (get_content_hash).
//
// Ignore rules: a folder's own .amlignore (else .gitignore) applies to everything below it, see
// support/ignore_rules.h. The two hashes walk differently, as in the SDK: upload_hash skips an
// ignored directory whole but still hashes the name of a directory only `dir/` rules exclude;
// code_content_hash looks at every file. Symbolic links inside the folder are followed, as the
// SDK follows them; the rules of support/tree_walk.h apply (a link leading outside the folder,
// a loop, or a name that is not UTF-8 is an error, where the SDK would
// upload files from elsewhere or never end). Entries that are neither files nor folders
// contribute their name only. A folder the rules leave out whole is never opened.
// Each fails (an Error naming the file and why) on such a link or name, on a file it cannot
// read, or when hashing is stopped (see support/hash.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "jobc/result.h"
#include "support/ignore_rules.h"

namespace jobc {

// md5 seeded with "Initialize for october 2021 AML CLI version". A file adds its bytes; a
// folder adds, for each entry sorted by lower-cased name, the name then the file's bytes or
// the subfolder's entries.
Result<std::string> upload_hash(const std::filesystem::path& file_or_dir);

// A file the SDK uploads for a code or data folder; relative_path uses '/' (for a single
// file it is the file name). Blobs go to LocalUpload/<upload_hash>/<folder name>/<relative_path>.
struct SnapshotFile {
  std::filesystem::path source;
  std::string relative_path;
  std::uintmax_t size = 0;
};

// Every file not ignored, in the SDK's order (lower-cased relative path).
Result<std::vector<SnapshotFile>> snapshot_files(const std::filesystem::path& file_or_dir);

// sha256 of the file count, then "#relative_path#" and the size for each file, then all bytes.
Result<std::string> code_content_hash(const std::filesystem::path& file_or_dir);

// The rules a folder's uploads obey: its .amlignore, else its .gitignore, else none. Callers
// should report rules.invalid_lines() (lines the SDK itself would fail on).
Result<IgnoreRules> root_ignore_rules(const std::filesystem::path& folder);

}  // namespace jobc
