// GET /api/runs: the runs page's rows, filtered, sorted and paged by the store's database
// (run_page_query.h), so the page receives one page whatever the store holds.
#include <cmath>
#include <set>

#include "server/ui/api.h"
#include "server/ui/run_page_query.h"

namespace jobc::ui {
namespace {

using json = nlohmann::json;

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

}  // namespace

ApiAnswer UiApi::runs(const Query& query) {
  RunPageQuery wanted;
  wanted.experiment = value_of(query, "experiment", "");
  std::string status = value_of(query, "status", "");
  if (!status.empty()) {
    wanted.status = parse_status(status);
    if (!wanted.status) return bad_request("no status '" + status + "'");
  }
  wanted.top_level = value_of(query, "trials", "") != "1";
  wanted.parent = value_of(query, "parent", "");
  wanted.text = value_of(query, "q", "");
  wanted.column = value_of(query, "sort", "created");
  wanted.ascending = value_of(query, "order", "desc") == "asc";
  wanted.offset = number_of(query, "offset", 0, SIZE_MAX);
  wanted.limit = number_of(query, "limit", 50, 500);
  const int64_t now = now_ms();
  auto page = query_run_page(*listing_, wanted, now);
  if (!page) return {500, json{{"error", page.error().message}}};

  json rows = json::array();
  std::set<std::string> metric_keys;
  for (const RunRecord& run : page->runs) {
    json row = record_json(run, now);
    json latest = json::object();
    if (auto points = metrics_->latest(run.id)) {
      for (const MetricPoint& point : *points) {
        latest[point.key] = std::isfinite(point.value) ? json(point.value) : json(nullptr);
        metric_keys.insert(point.key);
      }
    }
    row["metrics"] = std::move(latest);
    rows.push_back(std::move(row));
  }
  return {200, json{{"total", page->total},
                    {"offset", wanted.offset},
                    {"limit", wanted.limit},
                    {"runs", std::move(rows)},
                    {"experiments", page->experiments},
                    {"metric_keys", metric_keys}}};
}

}  // namespace jobc::ui
