// Metrics, parameters and tags of runs, as MLflow records them, in the run store's database
// ($JOBC_HOME/runs.db, tables of their own). Writes come in batches, one transaction each,
// as a tracking request brings them; reads are indexed by run, key and step, and stream
// through a callback so a long series never sits in memory whole.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "jobc/result.h"
#include "support/sqlite_database.h"

namespace jobc {

struct MetricPoint {
  std::string key;
  double value = 0;  // NaN and infinities are kept as such
  int64_t timestamp_ms = 0;
  int64_t step = 0;
  bool operator==(const MetricPoint&) const = default;
};

// A metric's value as MLflow's JSON writes it: a number, or "NaN", "Infinity", "-Infinity"
// (JSON has no literal for them).
nlohmann::json metric_value_json(double value);

// One tracking request's writes.
struct TrackingBatch {
  std::vector<MetricPoint> metrics;
  std::vector<std::pair<std::string, std::string>> params;
  std::vector<std::pair<std::string, std::string>> tags;
};

class MetricsStore {
 public:
  static Result<std::unique_ptr<MetricsStore>> open(const std::filesystem::path& home);

  // Records the batch in one transaction: all of it or none. A parameter already logged
  // with another value is refused (MLflow's rule: parameters do not change).
  Status record(const std::string& run_id, const TrackingBatch& batch);
  // Each point of one metric, by step then time, passed to `each` (return false to stop).
  Status history(const std::string& run_id, const std::string& key,
                 const std::function<bool(const MetricPoint&)>& each);
  // The latest point of each metric (highest step, then latest time), by key.
  Result<std::vector<MetricPoint>> latest(const std::string& run_id);
  // The latest value of metric `key` in every run that logged it, by run id.
  Result<std::map<std::string, double>> latest_of_every_run(const std::string& key);
  Result<std::map<std::string, std::string>> params(const std::string& run_id);
  Result<std::map<std::string, std::string>> tags(const std::string& run_id);
  // Forgets a run's metrics, parameters and tags (when the run is deleted).
  Status remove(const std::string& run_id);

 private:
  explicit MetricsStore(std::unique_ptr<SqliteDatabase> db) : db_(std::move(db)) {}
  Result<std::map<std::string, std::string>> pairs(const std::string& table,
                                                   const std::string& run_id);
  std::unique_ptr<SqliteDatabase> db_;
};

}  // namespace jobc
