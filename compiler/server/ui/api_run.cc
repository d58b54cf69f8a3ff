// GET /api/runs/ID and what the run page fetches beside it: a metric's series, the log's
// tail, a folder's files.
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "server/ui/api.h"
#include "server/ui/downsample.h"
#include "server/ui/safe_path.h"

namespace jobc::ui {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr size_t kMostEntries = 2000;  // a folder's listing; more are counted, not listed

json timeline(const RunRecord& run) {
  json steps = json::array();
  steps.push_back({{"status", "queued"}, {"at_ms", run.created_ms}});
  if (run.started_ms > 0) steps.push_back({{"status", "running"}, {"at_ms", run.started_ms}});
  if (is_terminal(run.status)) {
    steps.push_back({{"status", status_word(run.status)},
                     {"at_ms", run.ended_ms > 0 ? run.ended_ms : run.started_ms}});
  }
  return steps;
}

// Every file under `root` (the compiled artifacts: a few), by relative path.
json files_under(const fs::path& root) {
  json out = json::array();
  std::error_code ec;
  fs::recursive_directory_iterator it(root, ec), end;
  for (; !ec && it != end && out.size() < kMostEntries; it.increment(ec)) {
    if (it->is_regular_file(ec) && !it->is_symlink(ec)) {
      out.push_back({{"path", fs::relative(it->path(), root, ec).generic_string()},
                     {"size", it->file_size(ec)}});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const json& a, const json& b) { return a["path"] < b["path"]; });
  return out;
}

int64_t step_of(const Query& query, const std::string& name, int64_t otherwise) {
  auto found = query.find(name);
  if (found == query.end() || found->second.empty()) return otherwise;
  try {
    return std::stoll(found->second);
  } catch (const std::exception&) {
    return otherwise;
  }
}

json chart_value(double value) {
  return std::isfinite(value) ? json(value) : json(nullptr);
}

}  // namespace

ApiAnswer UiApi::run(const std::string& id) {
  auto run = find(id);
  if (!run) return not_found("no run " + id);
  json out = record_json(*run, now_ms());
  out["timeline"] = timeline(*run);
  auto params = metrics_->params(id);
  auto tags = metrics_->tags(id);
  out["params"] = params ? json(*params) : json::object();
  out["tags"] = tags ? json(*tags) : json::object();
  json latest = json::array();
  if (auto points = metrics_->latest(id)) {
    for (const MetricPoint& point : *points) {
      latest.push_back({{"key", point.key},
                        {"value", chart_value(point.value)},
                        {"step", point.step},
                        {"timestamp_ms", point.timestamp_ms}});
    }
  }
  out["metrics"] = std::move(latest);
  fs::path dir = runs_->run_dir(id);
  out["artifacts"] = files_under(dir / "artifacts");
  std::error_code ec;
  out["has_sweep"] = fs::is_regular_file(dir / "sweep.json", ec);
  return {200, std::move(out)};
}

ApiAnswer UiApi::metric(const std::string& id, const Query& query) {
  if (!find(id)) return not_found("no run " + id);
  auto key = query.find("key");
  if (key == query.end() || key->second.empty()) return bad_request("which metric? (key=)");
  const int64_t low = step_of(query, "min_step", INT64_MIN);
  const int64_t high = step_of(query, "max_step", INT64_MAX);
  size_t points = static_cast<size_t>(std::clamp<int64_t>(step_of(query, "points", 1000), 3, 5000));
  Status failed;
  PointReplay replay = [&](const std::function<void(const ChartPoint&)>& each) {
    Status read = metrics_->history(id, key->second, [&](const MetricPoint& point) {
      if (point.step >= low && point.step <= high) {
        each({static_cast<double>(point.step), point.value});
      }
      return true;
    });
    if (!read) failed = read;
  };
  size_t count = 0;
  replay([&](const ChartPoint&) { ++count; });
  std::vector<ChartPoint> kept = largest_triangle(count, points, replay);
  if (!failed) return {500, json{{"error", failed.error().message}}};
  json data = json::array();
  for (const ChartPoint& point : kept) data.push_back({point.x, chart_value(point.y)});
  return {200, json{{"key", key->second}, {"total", count}, {"points", std::move(data)}}};
}

ApiAnswer UiApi::log(const std::string& id, size_t max_bytes) {
  auto run = find(id);
  if (!run) return not_found("no run " + id);
  fs::path path = runs_->run_dir(id) / "std_log.txt";
  std::ifstream in(path, std::ios::binary);
  std::string text;
  uint64_t size = 0;
  if (in) {
    in.seekg(0, std::ios::end);
    size = static_cast<uint64_t>(in.tellg());
    uint64_t from = size > max_bytes ? size - max_bytes : 0;
    in.seekg(static_cast<std::streamoff>(from));
    text.resize(size - from);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<size_t>(in.gcount()));
    if (from > 0) text.erase(0, text.find('\n') + 1);  // from the first whole line
  }
  return {200, json{{"text", text}, {"size", size}, {"truncated", size > max_bytes}}};
}

ApiAnswer UiApi::files(const std::string& id, const Query& query) {
  if (!find(id)) return not_found("no run " + id);
  auto root_name = query.find("root");
  auto root = browsable_root(runs_->run_dir(id), root_name == query.end() ? "" : root_name->second);
  if (!root) return bad_request("root is outputs, logs or artifacts");
  auto path_param = query.find("path");
  std::string relative = path_param == query.end() ? "" : path_param->second;
  auto folder = resolve_inside(*root, relative);
  if (!folder) return not_found(folder.error().message);
  json entries = json::array();
  size_t total = 0;
  std::error_code ec;
  for (fs::directory_iterator it(*folder, ec), end; !ec && it != end; it.increment(ec)) {
    ++total;
    if (entries.size() >= kMostEntries) continue;
    struct stat info {};
    if (::lstat(it->path().c_str(), &info) != 0) continue;
    if (!S_ISDIR(info.st_mode) && !S_ISREG(info.st_mode)) continue;  // links are not followed
    entries.push_back({{"name", it->path().filename().string()},
                       {"dir", S_ISDIR(info.st_mode)},
                       {"size", static_cast<uint64_t>(info.st_size)}});
  }
  std::sort(entries.begin(), entries.end(), [](const json& a, const json& b) {
    return a["dir"] != b["dir"] ? a["dir"] > b["dir"] : a["name"] < b["name"];
  });
  return {200, json{{"root", root_name->second},
                    {"path", relative},
                    {"entries", std::move(entries)},
                    {"total", total}}};
}

}  // namespace jobc::ui
