#include "jobc/run_store.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <thread>

namespace jobc {
namespace {

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  experiment TEXT NOT NULL,
  status TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  started_ms INTEGER NOT NULL DEFAULT 0,
  ended_ms INTEGER NOT NULL DEFAULT 0,
  exit_code INTEGER,
  reason TEXT NOT NULL DEFAULT '',
  spec_hash TEXT NOT NULL DEFAULT '',
  backend TEXT NOT NULL,
  backend_job_id TEXT NOT NULL DEFAULT '',
  monitor_pid INTEGER NOT NULL DEFAULT 0,
  monitor_start INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS runs_by_created ON runs (created_ms);
)";

constexpr const char* kColumns =
    "id, name, experiment, status, created_ms, started_ms, ended_ms, exit_code, reason, "
    "spec_hash, backend, backend_job_id, monitor_pid, monitor_start";

const char* text_column(sqlite3_stmt* statement, int column) {
  const unsigned char* text = sqlite3_column_text(statement, column);
  return text ? reinterpret_cast<const char*>(text) : "";
}

RunRecord read_row(sqlite3_stmt* statement) {
  RunRecord run;
  run.id = text_column(statement, 0);
  run.name = text_column(statement, 1);
  run.experiment = text_column(statement, 2);
  run.status = parse_status(text_column(statement, 3)).value_or(RunStatus::Failed);
  run.created_ms = sqlite3_column_int64(statement, 4);
  run.started_ms = sqlite3_column_int64(statement, 5);
  run.ended_ms = sqlite3_column_int64(statement, 6);
  if (sqlite3_column_type(statement, 7) != SQLITE_NULL) {
    run.exit_code = sqlite3_column_int(statement, 7);
  }
  run.reason = text_column(statement, 8);
  run.spec_hash = text_column(statement, 9);
  run.backend = text_column(statement, 10);
  run.backend_job_id = text_column(statement, 11);
  run.monitor_pid = sqlite3_column_int64(statement, 12);
  run.monitor_start = sqlite3_column_int64(statement, 13);
  return run;
}

}  // namespace

struct RunStore::Db {
  sqlite3* handle = nullptr;
  ~Db() {
    if (handle) sqlite3_close(handle);
  }

  // A prepared statement that finalizes itself.
  struct Statement {
    sqlite3_stmt* raw = nullptr;
    ~Statement() { sqlite3_finalize(raw); }
  };

  bool prepare(const std::string& sql, Statement& statement, std::string& error) {
    if (sqlite3_prepare_v2(handle, sql.c_str(), -1, &statement.raw, nullptr) != SQLITE_OK) {
      error = sqlite3_errmsg(handle);
      return false;
    }
    return true;
  }

  // Binds the mutable fields in the order of kColumns, starting at parameter 1.
  static void bind_run(sqlite3_stmt* s, const RunRecord& run) {
    sqlite3_bind_text(s, 1, run.id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, run.name.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, run.experiment.c_str(), -1, SQLITE_TRANSIENT);
    std::string status(status_name(run.status));
    sqlite3_bind_text(s, 4, status.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 5, run.created_ms);
    sqlite3_bind_int64(s, 6, run.started_ms);
    sqlite3_bind_int64(s, 7, run.ended_ms);
    if (run.exit_code) {
      sqlite3_bind_int(s, 8, *run.exit_code);
    } else {
      sqlite3_bind_null(s, 8);
    }
    sqlite3_bind_text(s, 9, run.reason.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 10, run.spec_hash.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 11, run.backend.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 12, run.backend_job_id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 13, run.monitor_pid);
    sqlite3_bind_int64(s, 14, run.monitor_start);
  }

  // Moves a run to a terminal status unless it is terminal already, and with `monitor_pid`
  // only while that is still its monitor.
  bool end_run(const std::string& id, std::optional<int64_t> monitor_pid, RunStatus status,
               std::optional<int> exit_code, const std::string& reason, std::string& error) {
    Statement statement;
    const char* sql =
        "UPDATE runs SET status=?2, exit_code=?3, reason=?4, ended_ms=?5 WHERE id=?1 AND status "
        "NOT IN ('Completed', 'Failed', 'Canceled') AND (?6 IS NULL OR monitor_pid=?6)";
    if (!prepare(sql, statement, error)) return false;
    sqlite3_bind_text(statement.raw, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    std::string name(status_name(status));
    sqlite3_bind_text(statement.raw, 2, name.c_str(), -1, SQLITE_TRANSIENT);
    if (exit_code) {
      sqlite3_bind_int(statement.raw, 3, *exit_code);
    } else {
      sqlite3_bind_null(statement.raw, 3);
    }
    sqlite3_bind_text(statement.raw, 4, reason.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(statement.raw, 5, now_ms());
    if (monitor_pid) {
      sqlite3_bind_int64(statement.raw, 6, *monitor_pid);
    } else {
      sqlite3_bind_null(statement.raw, 6);
    }
    return step_done(statement.raw, error);
  }

  bool step_done(sqlite3_stmt* statement, std::string& error) {
    if (sqlite3_step(statement) != SQLITE_DONE) {
      error = sqlite3_errmsg(handle);
      return false;
    }
    return true;
  }
};

std::string_view status_name(RunStatus status) {
  switch (status) {
    case RunStatus::Queued:
      return "Queued";
    case RunStatus::Running:
      return "Running";
    case RunStatus::Completed:
      return "Completed";
    case RunStatus::Failed:
      return "Failed";
    case RunStatus::Canceled:
      return "Canceled";
  }
  return "Failed";
}

std::optional<RunStatus> parse_status(std::string_view text) {
  for (RunStatus status : {RunStatus::Queued, RunStatus::Running, RunStatus::Completed,
                           RunStatus::Failed, RunStatus::Canceled}) {
    std::string name(status_name(status));
    if (text.size() == name.size() &&
        std::equal(text.begin(), text.end(), name.begin(),
                   [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      return status;
    }
  }
  return std::nullopt;
}

bool is_terminal(RunStatus status) {
  return status == RunStatus::Completed || status == RunStatus::Failed ||
         status == RunStatus::Canceled;
}

std::filesystem::path jobc_home() {
  if (const char* home = std::getenv("JOBC_HOME"); home && *home) return home;
  if (const char* data = std::getenv("XDG_DATA_HOME"); data && *data) {
    return std::filesystem::path(data) / "jobc";
  }
  const char* user_home = std::getenv("HOME");
  return std::filesystem::path(user_home ? user_home : ".") / ".local/share/jobc";
}

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string new_run_id(const std::string& experiment) {
  std::random_device random;
  std::string prefix;
  for (char c : experiment) prefix += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (prefix.empty()) prefix = "run";
  return fmt::format("{}_{}_{:08x}", prefix, now_ms() / 1000, random());
}

std::unique_ptr<RunStore> RunStore::open(const std::filesystem::path& home, std::string& error) {
  std::error_code ec;
  std::filesystem::create_directories(home / "runs", ec);
  if (ec) {
    error = fmt::format("cannot create {}: {}", home.string(), ec.message());
    return nullptr;
  }
  std::unique_ptr<RunStore> store(new RunStore());
  store->home_ = home;
  store->db_ = std::make_unique<Db>();
  std::string path = (home / "runs.db").string();
  if (sqlite3_open(path.c_str(), &store->db_->handle) != SQLITE_OK) {
    error = fmt::format("cannot open {}: {}", path, sqlite3_errmsg(store->db_->handle));
    return nullptr;
  }
  // Concurrent jobc processes wait for each other's short transactions instead of failing.
  sqlite3_busy_timeout(store->db_->handle, 10000);
  // Switching a new database to WAL takes an exclusive lock that SQLite does not wait for,
  // so two processes creating the store at once retry here instead of failing.
  std::string setup = std::string("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;") + kSchema;
  for (int attempt = 0;; ++attempt) {
    char* message = nullptr;
    int rc = sqlite3_exec(store->db_->handle, setup.c_str(), nullptr, nullptr, &message);
    std::string text = message ? message : "";
    sqlite3_free(message);
    if (rc == SQLITE_OK) return store;
    if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || attempt >= 200) {
      error = fmt::format("cannot set up {}: {}", path, text);
      return nullptr;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10 + attempt % 40));
  }
}

RunStore::~RunStore() = default;

bool RunStore::insert(const RunRecord& run, std::string& error) {
  Db::Statement statement;
  std::string sql = fmt::format(
      "INSERT INTO runs ({}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
      "?9, ?10, ?11, ?12, ?13, ?14)",
      kColumns);
  if (!db_->prepare(sql, statement, error)) return false;
  Db::bind_run(statement.raw, run);
  return db_->step_done(statement.raw, error);
}

bool RunStore::update(const RunRecord& run, std::string& error) {
  Db::Statement statement;
  const char* sql =
      "UPDATE runs SET name=?2, experiment=?3, status=?4, created_ms=?5, started_ms=?6, "
      "ended_ms=?7, exit_code=?8, reason=?9, spec_hash=?10, backend=?11, backend_job_id=?12, "
      "monitor_pid=?13, monitor_start=?14 WHERE id=?1 AND status NOT IN ('Completed', 'Failed', "
      "'Canceled')";
  if (!db_->prepare(sql, statement, error)) return false;
  Db::bind_run(statement.raw, run);
  if (!db_->step_done(statement.raw, error)) return false;
  if (sqlite3_changes(db_->handle) == 0) {
    error = fmt::format("run {} has already ended (or is not recorded)", run.id);
    return false;
  }
  return true;
}

bool RunStore::finish(const std::string& id, RunStatus status, std::optional<int> exit_code,
                      const std::string& reason, std::string& error) {
  return db_->end_run(id, std::nullopt, status, exit_code, reason, error);
}

bool RunStore::finish_unwatched(const RunRecord& seen, RunStatus status, const std::string& reason,
                                std::string& error) {
  return db_->end_run(seen.id, seen.monitor_pid, status, std::nullopt, reason, error);
}

std::optional<RunRecord> RunStore::find(const std::string& id_or_name) {
  std::string error;
  for (const char* where : {"id = ?1", "name = ?1", "id LIKE ?1 || '%' ESCAPE '\\'"}) {
    Db::Statement statement;
    std::string sql = fmt::format("SELECT {} FROM runs WHERE {} ORDER BY created_ms DESC LIMIT 2",
                                  kColumns, where);
    if (!db_->prepare(sql, statement, error)) return std::nullopt;
    sqlite3_bind_text(statement.raw, 1, id_or_name.c_str(), -1, SQLITE_TRANSIENT);
    std::vector<RunRecord> found;
    while (sqlite3_step(statement.raw) == SQLITE_ROW) found.push_back(read_row(statement.raw));
    // A prefix must be unique; a name means its newest run.
    if (found.size() == 1 || (!found.empty() && std::string(where) == "name = ?1")) {
      return found.front();
    }
  }
  return std::nullopt;
}

std::vector<RunRecord> RunStore::list(const RunFilter& filter) {
  std::vector<RunRecord> runs;
  std::string error;
  Db::Statement statement;
  std::string sql = fmt::format(
      "SELECT {} FROM runs WHERE (?1 = '' OR experiment = ?1) AND (?2 = '' OR status = ?2) "
      "ORDER BY created_ms DESC, id DESC",
      kColumns);
  if (!db_->prepare(sql, statement, error)) return runs;
  sqlite3_bind_text(statement.raw, 1, filter.experiment.c_str(), -1, SQLITE_TRANSIENT);
  std::string status = filter.status ? std::string(status_name(*filter.status)) : "";
  sqlite3_bind_text(statement.raw, 2, status.c_str(), -1, SQLITE_TRANSIENT);
  while (sqlite3_step(statement.raw) == SQLITE_ROW) runs.push_back(read_row(statement.raw));
  return runs;
}

bool RunStore::finish_unwatched(const RunRecord& seen, RunStatus status,
                                std::optional<int> exit_code, const std::string& reason,
                                std::string& error) {
  return db_->end_run(seen.id, seen.monitor_pid, status, exit_code, reason, error);
}

}  // namespace jobc
