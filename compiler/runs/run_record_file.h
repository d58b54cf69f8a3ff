// run.json, in a run's folder: the run's record as the run store last wrote it. The store
// writes it with every change it records, so the run folders hold enough to rebuild a
// damaged store (`jobc runs repair`).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "jobc/run_store.h"

namespace jobc {

// RUN_DIR/run.json.
std::filesystem::path run_record_file(const std::filesystem::path& run_dir);

// Writes RUN_DIR/run.json atomically (mode 0600). An error when it cannot, e.g. because the
// run's folder does not exist.
Status write_run_record_file(const std::filesystem::path& run_dir, const RunRecord& run);

// RUN_DIR/run.json, or nullopt when it is missing or is not a run record.
std::optional<RunRecord> read_run_record_file(const std::filesystem::path& run_dir);

}  // namespace jobc
