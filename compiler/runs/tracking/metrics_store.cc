#include "runs/tracking/metrics_store.h"

#include <fmt/format.h>

#include <cmath>
#include <string_view>
#include <tuple>

namespace jobc {
namespace {

// NaN has no SQLite REAL form (it reads back as NULL): such a value is stored as NULL with
// is_nan set, as MLflow's SQL store does.
constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS metrics (
  run_id TEXT NOT NULL,
  key TEXT NOT NULL,
  step INTEGER NOT NULL,
  timestamp_ms INTEGER NOT NULL,
  value REAL,
  is_nan INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS metrics_by_run_key_step ON metrics (run_id, key, step, timestamp_ms);
CREATE TABLE IF NOT EXISTS latest_metrics (
  run_id TEXT NOT NULL,
  key TEXT NOT NULL,
  step INTEGER NOT NULL,
  timestamp_ms INTEGER NOT NULL,
  value REAL,
  is_nan INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, key)
);
CREATE TABLE IF NOT EXISTS params (
  run_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run_id, key)
);
CREATE TABLE IF NOT EXISTS tags (
  run_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run_id, key)
);
)";

void bind_value(SqliteDatabase::Statement& statement, int index, double value) {
  if (std::isnan(value)) {
    statement.bind_null(index);
  } else {
    statement.bind_double(index, value);
  }
}

MetricPoint read_point(const SqliteDatabase::Statement& row) {
  MetricPoint point;
  point.key = row.text(0);
  point.step = row.integer(1);
  point.timestamp_ms = row.integer(2);
  point.value = row.integer(4) != 0 ? std::nan("") : row.real(3);
  return point;
}

}  // namespace

nlohmann::json metric_value_json(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  return value;
}

Result<std::unique_ptr<MetricsStore>> MetricsStore::open(const std::filesystem::path& home) {
  auto db = SqliteDatabase::open(home / "runs.db");
  if (!db) return db.error();
  if (Status created = (*db)->exec(kSchema); !created) return created.error();
  return std::unique_ptr<MetricsStore>(new MetricsStore(std::move(*db)));
}

Status MetricsStore::record(const std::string& run_id, const TrackingBatch& batch) {
  return db_->write_transaction([&]() -> Status {
    auto insert = db_->prepare(
        "INSERT INTO metrics (run_id, key, step, timestamp_ms, value, is_nan) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!insert) return insert.error();
    // The latest point is the one with the highest (step, timestamp): a point logged late
    // for an earlier step does not replace it.
    auto latest = db_->prepare(
        "INSERT INTO latest_metrics (run_id, key, step, timestamp_ms, value, is_nan) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (run_id, key) DO UPDATE SET "
        "step = excluded.step, timestamp_ms = excluded.timestamp_ms, value = excluded.value, "
        "is_nan = excluded.is_nan WHERE (excluded.step, excluded.timestamp_ms) >= "
        "(latest_metrics.step, latest_metrics.timestamp_ms)");
    if (!latest) return latest.error();
    auto write = [&](SqliteDatabase::Statement& statement, const MetricPoint& point) {
      statement.bind(1, run_id).bind(2, point.key).bind(3, point.step);
      statement.bind(4, point.timestamp_ms);
      bind_value(statement, 5, point.value);
      statement.bind(6, int64_t{std::isnan(point.value) ? 1 : 0});
      return statement.run();
    };
    for (const MetricPoint& point : batch.metrics) {
      if (Status ran = write(*insert, point); !ran) return ran;
    }
    // One upsert per key, not per point (it costs as much as the insert): the batch's latest
    // point of the key, the later one of equals, as upserting each point in turn would keep.
    std::map<std::string_view, const MetricPoint*> latest_of_key;
    for (const MetricPoint& point : batch.metrics) {
      const MetricPoint*& kept = latest_of_key[point.key];
      if (!kept ||
          std::tie(point.step, point.timestamp_ms) >= std::tie(kept->step, kept->timestamp_ms))
        kept = &point;
    }
    for (const auto& entry : latest_of_key) {
      if (Status ran = write(*latest, *entry.second); !ran) return ran;
    }
    auto existing = db_->prepare("SELECT value FROM params WHERE run_id = ?1 AND key = ?2");
    auto param =
        db_->prepare("INSERT OR IGNORE INTO params (run_id, key, value) VALUES (?1, ?2, ?3)");
    if (!existing) return existing.error();
    if (!param) return param.error();
    for (const auto& [key, value] : batch.params) {
      existing->bind(1, run_id).bind(2, key);
      Result<bool> found = existing->step();
      std::string before = found.ok() && *found ? existing->text(0) : "";
      existing->reset();
      if (!found) return found.error();
      if (*found && before != value) {
        return fail(
            fmt::format("parameter '{}' was logged already with value '{}', not '{}': "
                        "parameters cannot change within a run",
                        key, before, value));
      }
      if (Status ran = param->bind(1, run_id).bind(2, key).bind(3, value).run(); !ran) return ran;
    }
    auto tag = db_->prepare(
        "INSERT INTO tags (run_id, key, value) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value");
    if (!tag) return tag.error();
    for (const auto& [key, value] : batch.tags) {
      if (Status ran = tag->bind(1, run_id).bind(2, key).bind(3, value).run(); !ran) return ran;
    }
    return {};
  });
}

Status MetricsStore::history(const std::string& run_id, const std::string& key,
                             const std::function<bool(const MetricPoint&)>& each) {
  auto query = db_->prepare(
      "SELECT key, step, timestamp_ms, value, is_nan FROM metrics WHERE run_id = ?1 AND key = ?2 "
      "ORDER BY step, timestamp_ms, rowid");
  if (!query) return query.error();
  query->bind(1, run_id).bind(2, key);
  for (;;) {
    Result<bool> row = query->step();
    if (!row) return row.error();
    if (!*row || !each(read_point(*query))) return {};
  }
}

Result<std::vector<MetricPoint>> MetricsStore::latest(const std::string& run_id) {
  auto query = db_->prepare(
      "SELECT key, step, timestamp_ms, value, is_nan FROM latest_metrics WHERE run_id = ?1 "
      "ORDER BY key");
  if (!query) return query.error();
  query->bind(1, run_id);
  std::vector<MetricPoint> points;
  for (;;) {
    Result<bool> row = query->step();
    if (!row) return row.error();
    if (!*row) return points;
    points.push_back(read_point(*query));
  }
}

Result<std::map<std::string, double>> MetricsStore::latest_of_every_run(const std::string& key) {
  auto query = db_->prepare("SELECT run_id, value, is_nan FROM latest_metrics WHERE key = ?1");
  if (!query) return query.error();
  query->bind(1, key);
  std::map<std::string, double> values;
  for (;;) {
    Result<bool> row = query->step();
    if (!row) return row.error();
    if (!*row) return values;
    values[query->text(0)] = query->integer(2) != 0 ? std::nan("") : query->real(1);
  }
}

Result<std::map<std::string, std::string>> MetricsStore::pairs(const std::string& table,
                                                               const std::string& run_id) {
  auto query = db_->prepare(fmt::format("SELECT key, value FROM {} WHERE run_id = ?1", table));
  if (!query) return query.error();
  query->bind(1, run_id);
  std::map<std::string, std::string> values;
  for (;;) {
    Result<bool> row = query->step();
    if (!row) return row.error();
    if (!*row) return values;
    values[query->text(0)] = query->text(1);
  }
}

Result<std::map<std::string, std::string>> MetricsStore::params(const std::string& run_id) {
  return pairs("params", run_id);
}

Result<std::map<std::string, std::string>> MetricsStore::tags(const std::string& run_id) {
  return pairs("tags", run_id);
}

Status MetricsStore::remove(const std::string& run_id) {
  return db_->write_transaction([&]() -> Status {
    for (const char* table : {"metrics", "latest_metrics", "params", "tags"}) {
      auto erase = db_->prepare(fmt::format("DELETE FROM {} WHERE run_id = ?1", table));
      if (!erase) return erase.error();
      if (Status ran = erase->bind(1, run_id).run(); !ran) return ran;
    }
    return {};
  });
}

}  // namespace jobc
