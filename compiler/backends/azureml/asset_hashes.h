// The hashes and names the Azure ML SDK (azure-ai-ml 1.4.0) derives from local files, so
// jobc's payloads name the same blobs, code versions and anonymous environments:
//  * upload_hash: the md5 behind LocalUpload/<hash>/<name> (_asset_utils.get_object_hash);
//  * code_content_hash: a code version's hash_sha256, hash_version 202208 (get_content_hash);
//  * anonymous_environment_version: the version of CliV2AnonymousEnvironment
//    (Environment._generate_anonymous_name_version);
//  * uuid_from_md5_hex: an anonymous code asset's name as the conformance oracle fixes it.
//
// Ignore rules: a folder's own .amlignore (else .gitignore) applies to everything below it, see
// support/ignore_rules.h. The two hashes walk differently, as in the SDK: upload_hash skips an
// ignored directory whole but still hashes the name of a directory only `dir/` rules exclude;
// code_content_hash looks at every file. Symbolic links inside the folder are followed, as the
// SDK follows them; the rules of support/tree_walk.h apply (a link leading outside the folder,
// a loop, or a name that is not UTF-8 throws std::runtime_error naming it, where the SDK would
// upload files from elsewhere or never end). Entries that are neither files nor folders
// contribute their name only. A folder the rules leave out whole is never opened.
// Unreadable files throw std::runtime_error.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/ignore_rules.h"

namespace jobc {

// md5 seeded with "Initialize for october 2021 AML CLI version". A file adds its bytes; a
// folder adds, for each entry sorted by lower-cased name, the name then the file's bytes or
// the subfolder's entries.
std::string upload_hash(const std::filesystem::path& file_or_dir);

// A file the SDK uploads for a code or data folder; relative_path uses '/' (for a single
// file it is the file name). Blobs go to LocalUpload/<upload_hash>/<folder name>/<relative_path>.
struct SnapshotFile {
  std::filesystem::path source;
  std::string relative_path;
  std::uintmax_t size = 0;
};

// Every file not ignored, in the SDK's order (lower-cased relative path).
std::vector<SnapshotFile> snapshot_files(const std::filesystem::path& file_or_dir);

// sha256 of the file count, then "#relative_path#" and the size for each file, then all bytes.
std::string code_content_hash(const std::filesystem::path& file_or_dir);

// The rules a folder's uploads obey: its .amlignore, else its .gitignore, else none. Callers
// should report rules.invalid_lines() (lines the SDK itself would fail on).
IgnoreRules root_ignore_rules(const std::filesystem::path& folder);

// An inline `environment:` with `image:`. Empty/null members are absent (Python truthiness).
struct ImageEnvironmentIdentity {
  std::string image;
  nlohmann::json inference_config;  // hashed as PyYAML dumps it
  std::string conda_yaml;           // pyyaml_dump of the conda file: the condaFile sent
};

// An inline `environment:` with `build:`.
struct BuildEnvironmentIdentity {
  std::string context_upload_hash;  // upload_hash(build.path)
  std::string dockerfile_path;      // build.dockerfile_path as written, empty if absent
};

std::string anonymous_environment_version(const ImageEnvironmentIdentity& environment);
std::string anonymous_environment_version(const BuildEnvironmentIdentity& environment);

// str(uuid.UUID(hex)): "0123abcd-...". Throws std::invalid_argument unless 32 hex digits
// (hyphens, braces and a "urn:uuid:" prefix allowed, as Python allows them).
std::string uuid_from_md5_hex(std::string_view hex);

}  // namespace jobc
