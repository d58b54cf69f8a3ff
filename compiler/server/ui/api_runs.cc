// GET /api/runs: the runs page's rows, filtered, sorted and paged on the server so the page
// receives one page whatever the store holds.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "server/ui/api.h"

namespace jobc::ui {
namespace {

using json = nlohmann::json;

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool mentions(const RunRecord& run, const std::string& text) {
  for (const std::string* field :
       {&run.id, &run.name, &run.display_name, &run.experiment, &run.backend}) {
    if (lower(*field).find(text) != std::string::npos) return true;
  }
  return false;
}

std::string value_of(const Query& query, const std::string& name, const std::string& otherwise) {
  auto found = query.find(name);
  return found == query.end() || found->second.empty() ? otherwise : found->second;
}

size_t number_of(const Query& query, const std::string& name, size_t otherwise, size_t most) {
  try {
    auto found = query.find(name);
    if (found == query.end() || found->second.empty()) return otherwise;
    return std::min<size_t>(std::stoul(found->second), most);
  } catch (const std::exception&) {
    return otherwise;
  }
}

// Orders by one column; ties by creation, newest first.
void sort_runs(std::vector<RunRecord>& runs, const std::string& column, bool ascending,
               const std::map<std::string, double>& metric, int64_t now) {
  auto key = [&](const RunRecord& run) -> json {
    if (column == "name") return run.display_name.empty() ? run.name : run.display_name;
    if (column == "experiment") return run.experiment;
    if (column == "status") return status_word(run.status);
    if (column == "backend") return run.backend;
    if (column == "id") return run.id;
    if (column == "started") return run.started_ms;
    if (column == "duration") return record_json(run, now)["duration_ms"];
    if (column.rfind("metric:", 0) == 0) {
      auto found = metric.find(run.id);
      if (found == metric.end() || std::isnan(found->second)) return nullptr;
      return found->second;
    }
    return run.created_ms;
  };
  std::vector<std::pair<json, size_t>> keys;
  keys.reserve(runs.size());
  for (size_t i = 0; i < runs.size(); ++i) keys.emplace_back(key(runs[i]), i);
  std::stable_sort(keys.begin(), keys.end(), [&](const auto& a, const auto& b) {
    // Runs without the value go last either way.
    if (a.first.is_null() != b.first.is_null()) return b.first.is_null();
    return ascending ? a.first < b.first : b.first < a.first;
  });
  std::vector<RunRecord> sorted;
  sorted.reserve(runs.size());
  for (const auto& [ignored, index] : keys) sorted.push_back(std::move(runs[index]));
  runs = std::move(sorted);
}

}  // namespace

ApiAnswer UiApi::runs(const Query& query) {
  RunFilter filter;
  filter.experiment = value_of(query, "experiment", "");
  std::string status = value_of(query, "status", "");
  if (!status.empty()) {
    filter.status = parse_status(status);
    if (!filter.status) return bad_request("no status '" + status + "'");
  }
  filter.top_level = value_of(query, "trials", "") != "1";
  filter.parent = value_of(query, "parent", "");
  if (!filter.parent.empty()) filter.top_level = false;
  auto listed = runs_->list(filter);
  if (!listed) return {500, json{{"error", listed.error().message}}};
  std::vector<RunRecord> runs = std::move(listed).value();

  std::set<std::string> experiments;
  for (const RunRecord& run : runs) experiments.insert(run.experiment);
  std::string text = lower(value_of(query, "q", ""));
  if (!text.empty()) {
    std::erase_if(runs, [&](const RunRecord& run) { return !mentions(run, text); });
  }
  const std::string column = value_of(query, "sort", "created");
  const bool ascending = value_of(query, "order", "desc") == "asc";
  std::map<std::string, double> metric;
  if (column.rfind("metric:", 0) == 0) {
    auto values = metrics_->latest_of_every_run(column.substr(7));
    if (values) metric = std::move(values).value();
  }
  const int64_t now = now_ms();
  sort_runs(runs, column, ascending, metric, now);

  const size_t offset = number_of(query, "offset", 0, runs.size());
  const size_t limit = number_of(query, "limit", 50, 500);
  json rows = json::array();
  std::set<std::string> metric_keys;
  for (size_t i = offset; i < std::min(runs.size(), offset + limit); ++i) {
    json row = record_json(runs[i], now);
    json latest = json::object();
    if (auto points = metrics_->latest(runs[i].id)) {
      for (const MetricPoint& point : *points) {
        latest[point.key] = std::isfinite(point.value) ? json(point.value) : json(nullptr);
        metric_keys.insert(point.key);
      }
    }
    row["metrics"] = std::move(latest);
    rows.push_back(std::move(row));
  }
  return {200, json{{"total", runs.size()},
                    {"offset", offset},
                    {"limit", limit},
                    {"runs", std::move(rows)},
                    {"experiments", experiments},
                    {"metric_keys", metric_keys}}};
}

}  // namespace jobc::ui
