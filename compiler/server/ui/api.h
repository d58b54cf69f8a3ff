// The JSON the page's JavaScript fetches: the run store and its metrics as `jobc ui` shows
// them. Plain functions of the stores and the query (no HTTP here): routes.cc serves them,
// report.cc writes the same answers into a self-contained file. Each answer is bounded
// whatever the store's size: a page of runs, a downsampled series, a log's tail, one
// folder's listing.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "jobc/run_store.h"
#include "runs/tracking/metrics_store.h"
#include "support/sqlite_database.h"

namespace jobc::ui {

struct ApiAnswer {
  int status = 200;
  nlohmann::json body;
};

using Query = std::map<std::string, std::string>;

// A run's folders the page may browse: "outputs", "logs", "artifacts".
std::optional<std::filesystem::path> browsable_root(const std::filesystem::path& run_dir,
                                                    const std::string& root);

class UiApi {
 public:
  // The stores of `home` (runs.db), or why they cannot be opened.
  static Result<std::unique_ptr<UiApi>> open(const std::filesystem::path& home);
  // `listing`: a connection of its own to runs.db, for the runs page's paged queries.
  UiApi(std::unique_ptr<RunStore> runs, std::unique_ptr<MetricsStore> metrics,
        std::unique_ptr<SqliteDatabase> listing)
      : runs_(std::move(runs)), metrics_(std::move(metrics)), listing_(std::move(listing)) {}

  // GET /api/runs: filter (experiment, status, q, trials=1 to include sweeps' trials), sort
  // (a column or metric:KEY, order asc|desc), page (offset, limit).
  ApiAnswer runs(const Query& query);
  // GET /api/runs/ID: the record, its timeline, parameters, tags, latest metrics, artifacts.
  ApiAnswer run(const std::string& id);
  // GET /api/runs/ID/metrics?key=K&points=N&min_step=&max_step=: a downsampled series.
  ApiAnswer metric(const std::string& id, const Query& query);
  // GET /api/runs/ID/log: the log's last `max_bytes`, and its size (where a tail goes on).
  ApiAnswer log(const std::string& id, size_t max_bytes = 256 * 1024);
  // GET /api/runs/ID/files?root=outputs&path=sub: one folder's entries.
  ApiAnswer files(const std::string& id, const Query& query);
  // GET /api/runs/ID/sweep: sweep.json, and each trial's curve of the primary metric.
  ApiAnswer sweep(const std::string& id);
  // GET /api/compare?ids=A,B: parameters side by side and the metrics they share.
  ApiAnswer compare(const Query& query);

  // The run with exactly this id, or nullopt.
  std::optional<RunRecord> find(const std::string& id);
  RunStore& store() { return *runs_; }
  MetricsStore& metrics() { return *metrics_; }

 private:
  std::unique_ptr<RunStore> runs_;
  std::unique_ptr<MetricsStore> metrics_;
  std::unique_ptr<SqliteDatabase> listing_;
};

// "completed": the page's word for a status (and its CSS class).
std::string status_word(RunStatus status);
nlohmann::json record_json(const RunRecord& run, int64_t now);

ApiAnswer not_found(const std::string& what);
ApiAnswer bad_request(const std::string& what);

}  // namespace jobc::ui
