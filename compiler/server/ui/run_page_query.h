// One page of the runs list, filtered, sorted and counted by SQLite itself (runs.db, read
// only): the server never holds more than a page of records, whatever the store's size.
// RunStore::list() returns every matching record, which a store of 100,000 runs makes
// hundreds of megabytes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "jobc/result.h"
#include "jobc/run_record.h"
#include "support/sqlite_database.h"

namespace jobc::ui {

struct RunPageQuery {
  std::string experiment;           // only this experiment (empty: any)
  std::optional<RunStatus> status;  // only this status
  std::string text;                 // in the id, name, display name, experiment or backend
  bool top_level = true;            // leave sweeps' trials out
  std::string parent;               // only this sweep's trials
  std::string column = "created";   // name, experiment, status, backend, id, started,
                                    // duration, created, or metric:KEY
  bool ascending = false;
  size_t offset = 0;
  size_t limit = 50;
};

struct RunPage {
  size_t total = 0;  // runs that match, on every page
  std::vector<RunRecord> runs;
  std::vector<std::string> experiments;  // the store's experiments (for the filter), at most 1000
};

Result<RunPage> query_run_page(SqliteDatabase& db, const RunPageQuery& query, int64_t now);

}  // namespace jobc::ui
