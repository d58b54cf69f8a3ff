#include "cli/run_json.h"

#include <fmt/format.h>

#include <ctime>

namespace jobc::cli {

std::string iso_time(int64_t ms) {
  if (ms <= 0) return "";
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

std::optional<int64_t> run_duration_ms(const RunRecord& run, int64_t now_ms) {
  if (run.started_ms <= 0) return std::nullopt;
  int64_t end = run.ended_ms > 0 ? run.ended_ms : (is_terminal(run.status) ? 0 : now_ms);
  if (end < run.started_ms) return std::nullopt;
  return end - run.started_ms;
}

std::string format_duration(int64_t ms) {
  int64_t seconds = ms / 1000;
  if (seconds < 60) return fmt::format("{:.1f}s", ms / 1000.0);
  if (seconds < 3600) return fmt::format("{}m{:02}s", seconds / 60, seconds % 60);
  if (seconds < 86400) return fmt::format("{}h{:02}m", seconds / 3600, seconds % 3600 / 60);
  return fmt::format("{}d{:02}h", seconds / 86400, seconds % 86400 / 3600);
}

nlohmann::json run_json(const RunRecord& run, const std::filesystem::path& folder) {
  auto duration = run_duration_ms(run, now_ms());
  return {
      {"id", run.id},
      {"name", run.name},
      {"display_name", run.display_name},
      {"experiment", run.experiment},
      {"status", status_name(run.status)},
      {"created", iso_time(run.created_ms)},
      {"started", iso_time(run.started_ms)},
      {"ended", iso_time(run.ended_ms)},
      {"duration_s", duration ? nlohmann::json(*duration / 1000.0) : nlohmann::json(nullptr)},
      {"exit_code", run.exit_code ? nlohmann::json(*run.exit_code) : nlohmann::json(nullptr)},
      {"reason", run.reason},
      {"backend", run.backend},
      {"backend_job_id", run.backend_job_id},
      {"spec_hash", run.spec_hash},
      {"type", run.job_type.empty() ? "command" : run.job_type},
      {"parent", run.parent_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(run.parent_id)},
      {"folder", folder.string()}};
}

}  // namespace jobc::cli
