// Commits a compilation's OutputSet to a folder the way a build step needs: files are
// written only when their content changes (mtimes stay for make), atomically, and files
// an earlier compilation wrote but this one does not are removed. --check compares
// without writing; --dry-run only lists.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "jobc/output_set.h"

namespace jobc {

enum class WriteMode { Write, Check, DryRun };

struct ArtifactChange {
  enum Kind { Created, Updated, Unchanged, Removed } kind;
  std::string path;  // relative to the output folder
  std::string diff;  // unified diff (Check mode, for created/updated/removed files)
};

struct WriteReport {
  std::vector<ArtifactChange> changes;
  std::vector<std::string> errors;  // files that could not be written or read
  bool up_to_date() const;          // no change other than Unchanged
};

WriteReport write_artifacts(const OutputSet& outputs, const std::filesystem::path& dir,
                            WriteMode mode);

// A unified diff of two texts ("--- a/PATH", "+++ b/PATH", hunks with 3 lines of context).
std::string unified_diff(const std::string& before, const std::string& after,
                         const std::string& path);

// A make-style depfile: "TARGET: INPUT INPUT ..." with spaces and '$' escaped.
std::string make_depfile(const std::string& target, const std::vector<std::string>& inputs);

}  // namespace jobc
