// What the API's answers share: a run record as JSON, errors, the browsable folders.
#include <cctype>
#include <cmath>

#include "server/ui/api.h"

namespace jobc::ui {

namespace fs = std::filesystem;
using json = nlohmann::json;

ApiAnswer not_found(const std::string& what) {
  return {404, json{{"error", what}}};
}
ApiAnswer bad_request(const std::string& what) {
  return {400, json{{"error", what}}};
}

std::optional<fs::path> browsable_root(const fs::path& run_dir, const std::string& root) {
  if (root == "outputs") return run_dir / "work" / "outputs";
  if (root == "logs") return run_dir / "work" / "logs";
  if (root == "artifacts") return run_dir / "artifacts";
  return std::nullopt;
}

std::string status_word(RunStatus status) {
  std::string word(status_name(status));
  for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return word;
}

json record_json(const RunRecord& run, int64_t now) {
  int64_t duration = 0;
  if (run.started_ms > 0) duration = (run.ended_ms > 0 ? run.ended_ms : now) - run.started_ms;
  json out{{"id", run.id},
           {"name", run.name},
           {"display_name", run.display_name},
           {"experiment", run.experiment},
           {"status", status_word(run.status)},
           {"backend", run.backend},
           {"job_type", run.job_type},
           {"parent_id", run.parent_id},
           {"created_ms", run.created_ms},
           {"started_ms", run.started_ms},
           {"ended_ms", run.ended_ms},
           {"duration_ms", duration},
           {"reason", run.reason}};
  out["exit_code"] = run.exit_code ? json(*run.exit_code) : json(nullptr);
  return out;
}

Result<std::unique_ptr<UiApi>> UiApi::open(const fs::path& home) {
  auto runs = RunStore::open(home);
  if (!runs) return runs.error();
  auto metrics = MetricsStore::open(home);
  if (!metrics) return metrics.error();
  auto listing = SqliteDatabase::open(home / "runs.db");
  if (!listing) return listing.error();
  return std::make_unique<UiApi>(std::move(runs).value(), std::move(metrics).value(),
                                 std::move(listing).value());
}

std::optional<RunRecord> UiApi::find(const std::string& id) {
  auto found = runs_->find(id);
  if (!found || !*found || (*found)->id != id) return std::nullopt;
  return **found;
}

}  // namespace jobc::ui
