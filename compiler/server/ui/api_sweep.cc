// GET /api/runs/ID/sweep and GET /api/compare: views over several runs.
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "server/ui/api.h"
#include "server/ui/downsample.h"

namespace jobc::ui {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr uintmax_t kMostSweepBytes = 16 << 20;
constexpr size_t kCurvePoints = 200;  // each trial's curve on the sweep page
constexpr size_t kMostCompared = 20;

// A trial's metric, downsampled: [[step, value], ...].
json curve(MetricsStore& metrics, const std::string& run, const std::string& key, size_t points) {
  size_t count = 0;
  PointReplay replay = [&](const std::function<void(const ChartPoint&)>& each) {
    (void)metrics.history(run, key, [&](const MetricPoint& point) {
      each({static_cast<double>(point.step), point.value});
      return true;
    });
  };
  replay([&](const ChartPoint&) { ++count; });
  json out = json::array();
  for (const ChartPoint& point : largest_triangle(count, points, replay)) {
    out.push_back({point.x, std::isfinite(point.y) ? json(point.y) : json(nullptr)});
  }
  return out;
}

}  // namespace

ApiAnswer UiApi::sweep(const std::string& id) {
  auto run = find(id);
  if (!run) return not_found("no run " + id);
  fs::path path = runs_->run_dir(id) / "sweep.json";
  std::error_code ec;
  uintmax_t size = fs::file_size(path, ec);
  if (ec) return not_found("run " + id + " has no sweep.json (not a sweep, or not started)");
  if (size > kMostSweepBytes) return {500, json{{"error", "sweep.json is too large to show"}}};
  std::ifstream in(path);
  json sweep = json::parse(in, nullptr, false);
  if (!sweep.is_object()) return {500, json{{"error", "sweep.json is not a JSON object"}}};
  const std::string key = sweep.value("primary_metric", "");
  json& trials = sweep["trials"];
  if (!trials.is_array()) trials = json::array();
  for (json& trial : trials) {
    if (!trial.is_object()) continue;
    std::string trial_id = trial.value("run_id", "");
    json record = nullptr;
    if (auto found = find(trial_id)) record = record_json(*found, now_ms());
    trial["run"] = record;
    trial["curve"] = key.empty() || trial_id.empty()
                         ? json::array()
                         : curve(*metrics_, trial_id, key, kCurvePoints);
  }
  sweep["run"] = record_json(*run, now_ms());
  return {200, std::move(sweep)};
}

ApiAnswer UiApi::compare(const Query& query) {
  auto ids_param = query.find("ids");
  if (ids_param == query.end()) return bad_request("which runs? (ids=A,B)");
  std::vector<std::string> ids;
  std::stringstream words(ids_param->second);
  for (std::string id; std::getline(words, id, ',');) {
    if (!id.empty() && ids.size() < kMostCompared) ids.push_back(id);
  }
  json runs = json::array();
  std::set<std::string> param_keys, metric_keys;
  for (const std::string& id : ids) {
    auto run = find(id);
    if (!run) return not_found("no run " + id);
    json row = record_json(*run, now_ms());
    auto params = metrics_->params(id);
    row["params"] = params ? json(*params) : json::object();
    if (params) {
      for (const auto& [name, ignored] : *params) param_keys.insert(name);
    }
    json latest = json::object();
    if (auto points = metrics_->latest(id)) {
      for (const MetricPoint& point : *points) {
        latest[point.key] = std::isfinite(point.value) ? json(point.value) : json(nullptr);
        metric_keys.insert(point.key);
      }
    }
    row["metrics"] = std::move(latest);
    runs.push_back(std::move(row));
  }
  return {
      200,
      json{{"runs", std::move(runs)}, {"param_keys", param_keys}, {"metric_keys", metric_keys}}};
}

}  // namespace jobc::ui
