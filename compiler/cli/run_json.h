// How a run is shown: the one set of fields `runs show`, `runs list --output json` and
// `submit --output json` print, so scripts read the same names everywhere.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "jobc/run_store.h"

namespace jobc::cli {

// "2026-11-30T13:44:11Z"; empty for 0 (not yet).
std::string iso_time(int64_t ms);
// From its start to its end, or to `now_ms` while it runs; nullopt before it started.
std::optional<int64_t> run_duration_ms(const RunRecord& run, int64_t now_ms);
// "4.2s", "3m05s", "2h04m", "3d04h".
std::string format_duration(int64_t ms);
// Every field of the record (times in ISO 8601 UTC, duration_s in seconds) and its folder.
nlohmann::json run_json(const RunRecord& run, const std::filesystem::path& folder);

}  // namespace jobc::cli
