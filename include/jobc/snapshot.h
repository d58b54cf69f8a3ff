// Code snapshots: the job's code folder, frozen into a content-addressed store so a run
// sees exactly what was submitted, and an unchanged folder is reused, not copied again.
// .amlignore (else .gitignore) rules apply, as for Azure ML uploads; .git and jobc's own
// home are never copied; a symlink leaving the folder is refused.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace jobc {

struct SnapshotLimits {
  uint64_t warn_bytes = 300ull << 20;  // Azure ML's snapshot limits: warn above these
  size_t warn_files = 2000;
};

struct Snapshot {
  std::string hash;           // sha256 over paths, modes and contents
  std::filesystem::path dir;  // STORE/<hash>: read-only files
  size_t files = 0;
  uint64_t bytes = 0;
  bool reused = false;  // the store had it already
  std::vector<std::string> warnings;
};

// Snapshots `code` into `store`. On a refusal (a symlink leaving the folder, an unreadable
// file) returns nullopt with `error` set; the store is left as it was.
std::optional<Snapshot> snapshot_code(const std::filesystem::path& code,
                                      const std::filesystem::path& store,
                                      const std::filesystem::path& exclude, std::string& error,
                                      const SnapshotLimits& limits = {});

// Makes `work` a writable working folder holding the snapshot's files (hard links where
// possible, copies otherwise).
bool materialize_snapshot(const Snapshot& snapshot, const std::filesystem::path& work,
                          std::string& error);

}  // namespace jobc
