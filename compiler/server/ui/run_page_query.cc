#include "server/ui/run_page_query.h"

#include <algorithm>
#include <cctype>

namespace jobc::ui {
namespace {

// A SQL condition and the texts it binds, in order.
struct Where {
  std::string sql;
  std::vector<std::string> texts;
  void add(const std::string& condition, const std::vector<std::string>& values = {}) {
    sql += sql.empty() ? " WHERE " : " AND ";
    sql += condition;
    texts.insert(texts.end(), values.begin(), values.end());
  }
};

Where where_of(const RunPageQuery& query) {
  Where where;
  if (!query.experiment.empty()) where.add("runs.experiment = ?", {query.experiment});
  if (query.status) where.add("runs.status = ?", {std::string(status_name(*query.status))});
  if (!query.parent.empty()) {
    where.add("runs.parent_id = ?", {query.parent});
  } else if (query.top_level) {
    where.add("runs.parent_id = ''");
  }
  if (!query.text.empty()) {
    std::string text = query.text;
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    where.add(
        "instr(lower(runs.id || char(31) || runs.name || char(31) || runs.display_name || "
        "char(31) || runs.experiment || char(31) || runs.backend), ?) > 0",
        {text});
  }
  return where;
}

// The ORDER BY of a column (never user text: columns are chosen from this list).
std::string order_of(const RunPageQuery& query) {
  const std::string direction = query.ascending ? " ASC" : " DESC";
  std::string key;
  if (query.column == "name") {
    key = "CASE WHEN runs.display_name = '' THEN runs.name ELSE runs.display_name END";
  } else if (query.column == "experiment" || query.column == "backend" ||
             query.column == "status" || query.column == "id") {
    key = "runs." + query.column;
  } else if (query.column == "started") {
    key = "runs.started_ms";
  } else if (query.column == "duration") {
    key =
        "CASE WHEN runs.started_ms <= 0 THEN 0 ELSE (CASE WHEN runs.ended_ms > 0 THEN "
        "runs.ended_ms ELSE ? END) - runs.started_ms END";
  } else if (query.column.rfind("metric:", 0) == 0) {
    // Runs without the metric (or with NaN) last either way.
    return " ORDER BY (metric.value IS NULL OR metric.is_nan) ASC, metric.value" + direction +
           ", runs.created_ms DESC";
  } else {
    key = "runs.created_ms";
  }
  return " ORDER BY " + key + direction + ", runs.created_ms DESC";
}

RunRecord record_of(const SqliteDatabase::Statement& row) {
  RunRecord run;
  run.id = row.text(0);
  run.name = row.text(1);
  run.display_name = row.text(2);
  run.experiment = row.text(3);
  run.status = parse_status(row.text(4)).value_or(RunStatus::Failed);
  run.created_ms = row.integer(5);
  run.started_ms = row.integer(6);
  run.ended_ms = row.integer(7);
  if (!row.is_null(8)) run.exit_code = static_cast<int>(row.integer(8));
  run.reason = row.text(9);
  run.backend = row.text(10);
  run.job_type = row.text(11);
  run.parent_id = row.text(12);
  return run;
}

}  // namespace

Result<RunPage> query_run_page(SqliteDatabase& db, const RunPageQuery& query, int64_t now) {
  Where where = where_of(query);
  RunPage page;
  {
    auto count = db.prepare("SELECT count(*) FROM runs" + where.sql);
    if (!count) return count.error();
    for (size_t i = 0; i < where.texts.size(); ++i)
      count->bind(static_cast<int>(i + 1), where.texts[i]);
    auto row = count->step();
    if (!row) return row.error();
    page.total = *row ? static_cast<size_t>(count->integer(0)) : 0;
  }
  const bool by_metric = query.column.rfind("metric:", 0) == 0;
  std::string sql =
      "SELECT runs.id, runs.name, runs.display_name, runs.experiment, runs.status, "
      "runs.created_ms, runs.started_ms, runs.ended_ms, runs.exit_code, runs.reason, "
      "runs.backend, runs.job_type, runs.parent_id FROM runs";
  std::vector<std::string> texts;
  if (by_metric) {
    sql += " LEFT JOIN latest_metrics AS metric ON metric.run_id = runs.id AND metric.key = ?";
    texts.push_back(query.column.substr(7));
  }
  sql += where.sql + order_of(query) + " LIMIT ? OFFSET ?";
  texts.insert(texts.end(), where.texts.begin(), where.texts.end());
  auto select = db.prepare(sql);
  if (!select) return select.error();
  int index = 1;
  for (const std::string& text : texts) select->bind(index++, text);
  if (query.column == "duration") select->bind(index++, now);  // the running runs' end
  select->bind(index++, static_cast<int64_t>(query.limit));
  select->bind(index++, static_cast<int64_t>(query.offset));
  while (true) {
    auto row = select->step();
    if (!row) return row.error();
    if (!*row) break;
    page.runs.push_back(record_of(*select));
  }
  auto experiments = db.prepare("SELECT DISTINCT experiment FROM runs ORDER BY 1 LIMIT 1000");
  if (!experiments) return experiments.error();
  while (true) {
    auto row = experiments->step();
    if (!row) return row.error();
    if (!*row) break;
    page.experiments.push_back(experiments->text(0));
  }
  return page;
}

}  // namespace jobc::ui
