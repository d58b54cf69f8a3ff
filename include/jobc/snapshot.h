// Code snapshots: the job's code folder, frozen into a content-addressed store so a run
// sees exactly what was submitted, and an unchanged folder is reused, not copied again.
// .amlignore (else .gitignore) rules apply, as for Azure ML uploads; .git and jobc's own
// home are never copied; symbolic links follow the rules of support/tree_walk.h (one leaving
// the folder, or a loop, is refused). Permissions are kept less write access: a file or
// folder only its owner may read stays so in the store and in run folders.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "jobc/result.h"

namespace jobc {

struct SnapshotLimits {
  uint64_t warn_bytes = 300ull << 20;  // Azure ML's snapshot limits: warn above these
  size_t warn_files = 2000;
};

struct Snapshot {
  std::string hash;           // sha256 over a length-prefixed listing: paths, modes, contents
  std::filesystem::path dir;  // STORE/<hash>: read-only files
  size_t files = 0;
  uint64_t bytes = 0;
  bool reused = false;  // the store had it already
  std::vector<std::string> warnings;
};

// Snapshots `code` into `store`. A refusal (a symlink leaving the folder, an unreadable file)
// is an error; the store is then left as it was.
Result<Snapshot> snapshot_code(const std::filesystem::path& code,
                               const std::filesystem::path& store,
                               const std::filesystem::path& exclude,
                               const SnapshotLimits& limits = {});

// Makes `work` a writable working folder holding the snapshot's files (hard links where
// possible, copies otherwise), its folders with the snapshot's modes.
Status materialize_snapshot(const Snapshot& snapshot, const std::filesystem::path& work);

}  // namespace jobc
