// monitor.json, in a run's folder: the run context `jobc submit` hands to the run monitor,
// also read back by a later jobc that must stop a job whose monitor is gone. Never a secret:
// those stay in the environment.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "jobc/backend.h"
#include "jobc/result.h"

namespace jobc {

// RUN_DIR/monitor.json.
std::filesystem::path monitor_config_file(const std::filesystem::path& run_dir);

// Writes RUN_DIR/monitor.json for `context` (the run store lives in `home`).
Status write_monitor_config(const std::filesystem::path& home, const RunContext& context);

// RUN_DIR/monitor.json, or nullopt when it is missing or unreadable (a run whose monitor.json
// is gone is told apart by its record, not by why).
std::optional<nlohmann::json> read_monitor_config(const std::filesystem::path& run_dir);

// The context `config` describes, for `run` as the run store records it.
RunContext context_from_config(const nlohmann::json& config, const RunRecord& run,
                               const std::filesystem::path& run_dir);

}  // namespace jobc
