#include "jobc/run_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <random>
#include <thread>

#include "runs/run_record_file.h"
#include "runs/space_reserve.h"
#include "support/private_files.h"
#include "support/text.h"

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
  monitor_start INTEGER NOT NULL DEFAULT 0,
  display_name TEXT NOT NULL DEFAULT '',
  job_type TEXT NOT NULL DEFAULT '',
  parent_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS runs_by_created ON runs (created_ms);
)";

// Made after the columns they index exist (a store from before them gets them first).
constexpr const char* kIndexes = R"(
CREATE INDEX IF NOT EXISTS runs_by_parent ON runs (parent_id, created_ms);
)";

constexpr const char* kColumns =
    "id, name, experiment, status, created_ms, started_ms, ended_ms, exit_code, reason, "
    "spec_hash, backend, backend_job_id, monitor_pid, monitor_start, display_name, job_type, "
    "parent_id";

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
  run.display_name = text_column(statement, 14);
  run.job_type = text_column(statement, 15);
  run.parent_id = text_column(statement, 16);
  return run;
}

bool is_damage(int rc) {
  return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB;
}

std::string damage_error(const std::filesystem::path& db, const std::string& why) {
  return fmt::format(
      "the run store {} is damaged ({}): 'jobc runs repair' rebuilds it from the run folders "
      "and keeps the damaged file aside",
      db.string(), why);
}

// Whether runs/ holds a folder `jobc submit` recorded a run from (it writes monitor.json
// before the record): then an empty store has lost them.
bool holds_run_folders(const std::filesystem::path& runs) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(runs, ec)) {
    if (std::filesystem::exists(entry.path() / "monitor.json", ec) ||
        std::filesystem::exists(run_record_file(entry.path()), ec)) {
      return true;
    }
  }
  return false;
}

// Owner-only access for files and folders jobc made before it kept them private.
void make_private(const std::filesystem::path& path, mode_t mode) {
  struct stat info {};
  if (stat(path.c_str(), &info) == 0 && (info.st_mode & 077) != 0) chmod(path.c_str(), mode);
}

}  // namespace

struct RunStore::Db {
  sqlite3* handle = nullptr;
  std::filesystem::path home;
  int failure = SQLITE_OK;  // the result code of the last statement that failed
  ~Db() {
    if (handle) sqlite3_close(handle);
  }

  std::filesystem::path run_dir(const std::string& id) const { return home / "runs" / id; }

  // A prepared statement that finalizes itself.
  struct Statement {
    sqlite3_stmt* raw = nullptr;
    ~Statement() { sqlite3_finalize(raw); }
  };

  // The error of a statement that failed with `rc`, remembered in `failure`.
  Error sqlite_error(int rc) {
    failure = rc & 0xff;
    std::string message = sqlite3_errmsg(handle);
    if (is_damage(failure)) return fail(damage_error(home / "runs.db", message));
    return fail(message);
  }

  Status prepare(const std::string& sql, Statement& statement) {
    int rc = sqlite3_prepare_v2(handle, sql.c_str(), -1, &statement.raw, nullptr);
    if (rc != SQLITE_OK) return sqlite_error(rc);
    return {};
  }

  Status exec(const char* sql) {
    int rc = sqlite3_exec(handle, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return sqlite_error(rc);
    return {};
  }

  // Runs `body` in a write transaction, taking the write lock first: run.json files written
  // inside change in the order the store's rows do.
  Status write_transaction(const std::function<Status()>& body) {
    if (Status begun = exec("BEGIN IMMEDIATE"); !begun) return begun;
    Status done = body();
    if (done) done = exec("COMMIT");
    if (done) return {};
    if (!sqlite3_get_autocommit(handle)) (void)exec("ROLLBACK");  // unless SQLite did
    return done;
  }

  // The row of run `id`, exactly.
  std::optional<RunRecord> row(const std::string& id) {
    Statement statement;
    if (!prepare(fmt::format("SELECT {} FROM runs WHERE id = ?1", kColumns), statement)) {
      return std::nullopt;
    }
    sqlite3_bind_text(statement.raw, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(statement.raw) != SQLITE_ROW) return std::nullopt;
    return read_row(statement.raw);
  }

  // The run's folder copy of its record; a folder that is gone is no error (tests record
  // runs without one). A final status written for want of space uses the space reserve.
  void write_record_file(const RunRecord& run, bool final_status) {
    std::filesystem::path dir = run_dir(run.id);
    if (write_run_record_file(dir, run)) return;
    std::error_code ec;
    if (final_status && std::filesystem::is_directory(dir, ec) && release_space_reserve(home)) {
      (void)write_run_record_file(dir, run);  // best effort: the store has the record
    }
  }

  // For a write the database refused (damaged, disk full, I/O error: not a lock held too
  // long), `change` is made to the run's folder copy, with the store's rule: an ended run
  // stays ended.
  void write_record_file_only(const std::string& id,
                              const std::function<bool(RunRecord&)>& change) {
    if (failure == SQLITE_BUSY || failure == SQLITE_LOCKED) return;
    auto run = read_run_record_file(run_dir(id));
    if (run && !is_terminal(run->status) && change(*run)) write_record_file(*run, true);
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
    sqlite3_bind_text(s, 15, run.display_name.c_str(), -1, SQLITE_TRANSIENT);
    // Set once, when the run is recorded (insert binds them; update's statement has no ?16).
    sqlite3_bind_text(s, 16, run.job_type.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 17, run.parent_id.c_str(), -1, SQLITE_TRANSIENT);
  }

  // Moves a run to a terminal status unless it is terminal already, and with `monitor_pid`
  // only while that is still its monitor. A disk too full to record it gets the space
  // reserve.
  Status end_run(const std::string& id, std::optional<int64_t> monitor_pid, RunStatus status,
                 std::optional<int> exit_code, const std::string& reason) {
    int64_t ended_ms = now_ms();
    auto attempt = [&] {
      return write_transaction(
          [&] { return update_to_end(id, monitor_pid, status, exit_code, reason, ended_ms); });
    };
    Status ended = attempt();
    if (ended) return ended;
    if (failure == SQLITE_FULL) {
      release_space_reserve(home);  // unless writing run.json has freed it already
      ended = attempt();
      if (ended) return ended;
    }
    write_record_file_only(id, [&](RunRecord& run) {
      if (monitor_pid && run.monitor_pid != *monitor_pid) return false;
      run.status = status;
      run.exit_code = exit_code;
      run.reason = reason;
      run.ended_ms = ended_ms;
      return true;
    });
    return ended;
  }

  Status update_to_end(const std::string& id, std::optional<int64_t> monitor_pid, RunStatus status,
                       std::optional<int> exit_code, const std::string& reason, int64_t ended_ms) {
    Statement statement;
    const char* sql =
        "UPDATE runs SET status=?2, exit_code=?3, reason=?4, ended_ms=?5 WHERE id=?1 AND status "
        "NOT IN ('Completed', 'Failed', 'Canceled') AND (?6 IS NULL OR monitor_pid=?6)";
    if (Status prepared = prepare(sql, statement); !prepared) return prepared;
    sqlite3_bind_text(statement.raw, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    std::string name(status_name(status));
    sqlite3_bind_text(statement.raw, 2, name.c_str(), -1, SQLITE_TRANSIENT);
    if (exit_code) {
      sqlite3_bind_int(statement.raw, 3, *exit_code);
    } else {
      sqlite3_bind_null(statement.raw, 3);
    }
    sqlite3_bind_text(statement.raw, 4, reason.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(statement.raw, 5, ended_ms);
    if (monitor_pid) {
      sqlite3_bind_int64(statement.raw, 6, *monitor_pid);
    } else {
      sqlite3_bind_null(statement.raw, 6);
    }
    if (Status stepped = step_done(statement.raw); !stepped) return stepped;
    if (sqlite3_changes(handle) > 0) {
      if (auto ended = row(id)) write_record_file(*ended, true);
    }
    return {};
  }

  // Appends every row `statement` yields to `runs`. An error when a row could not be read:
  // the rows so far are not all there is.
  Status read_rows(sqlite3_stmt* statement, std::vector<RunRecord>& runs) {
    int rc;
    while ((rc = sqlite3_step(statement)) == SQLITE_ROW) runs.push_back(read_row(statement));
    if (rc != SQLITE_DONE) return sqlite_error(rc);
    return {};
  }

  Status step_done(sqlite3_stmt* statement) {
    int rc = sqlite3_step(statement);
    if (rc != SQLITE_DONE) return sqlite_error(rc);
    return {};
  }

  // A store made before jobc recorded a column gets it (its runs have the default). Two
  // processes may add it at once: the second one's "duplicate column" is no failure.
  Status add_column(const std::string& name, const std::string& declaration) {
    Statement probe;
    if (prepare("SELECT " + name + " FROM runs LIMIT 0", probe)) return {};
    Status added = exec(("ALTER TABLE runs ADD COLUMN " + name + " " + declaration).c_str());
    if (!added && added.error().message.find("duplicate column") != std::string::npos) return {};
    return added;
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
    if (iequals(text, status_name(status))) return status;
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

void RunStore::leave_log_on_close() {
  sqlite3_db_config(db_->handle, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
}

std::string new_run_id(const std::string& experiment) {
  std::string prefix;
  for (char c : experiment) prefix += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (prefix.empty()) prefix = "run";
  // getrandom(2), not std::random_device: that asks the CPU what it offers first, which a
  // virtual machine makes slow, and a sweep takes hundreds of ids at once.
  uint32_t suffix = 0;
  if (getrandom(&suffix, sizeof suffix, 0) != sizeof suffix) suffix = std::random_device{}();
  return fmt::format("{}_{}_{:08x}", prefix, now_ms() / 1000, suffix);
}

std::string home_privacy_warning(const std::filesystem::path& home) {
  struct stat info {};
  if (stat(home.c_str(), &info) != 0 || (info.st_mode & 077) == 0) return "";
  return fmt::format(
      "{} is open to other users (mode {:04o}); it holds your runs' code, output and history: "
      "chmod 700 '{}' makes it private",
      home.string(), info.st_mode & 07777, home.string());
}

Result<std::unique_ptr<RunStore>> RunStore::open(const std::filesystem::path& home) {
  auto store = open_at(home, false);
  if (!store) return fail(store.error().message);
  return std::move(store).value();
}

Result<std::unique_ptr<RunStore>, RunStore::OpenError> RunStore::open_at(
    const std::filesystem::path& home, bool rebuilding) {
  auto failure = [](std::string message) { return OpenError{{std::move(message)}, false}; };
  for (const std::filesystem::path& folder : {home, home / "runs"}) {
    if (Status created = create_private_folder(folder); !created) {
      return failure(created.error().message);
    }
  }
  make_private(home / "runs", 0700);
  std::filesystem::path db = home / "runs.db";
  // Created 0600 before SQLite creates it 0644; its -wal and -shm files take its mode.
  int fd = ::open(db.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd >= 0) ::close(fd);
  for (const char* suffix : {"", "-wal", "-shm"}) make_private(db.string() + suffix, 0600);

  std::unique_ptr<RunStore> store(new RunStore());
  store->home_ = home;
  store->db_ = std::make_unique<Db>();
  Db& database = *store->db_;
  database.home = home;
  std::string path = db.string();
  if (sqlite3_open(path.c_str(), &database.handle) != SQLITE_OK) {
    return failure(fmt::format("cannot open {}: {}", path, sqlite3_errmsg(database.handle)));
  }
  // Concurrent jobc processes wait for each other's short transactions instead of failing.
  sqlite3_busy_timeout(database.handle, 10000);
  // Read before anything is written: SQLite takes a file emptied (truncated to zero) for a
  // new database, and would create an empty history over the lost one.
  bool has_runs = false;
  {  // finalized at once: an open read would hold the lock the WAL switch below waits for
    Db::Statement schema;
    // A failure is told by database.failure, below.
    if (database.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'runs'",
                         schema)) {
      int rc = sqlite3_step(schema.raw);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE) (void)database.sqlite_error(rc);
      has_runs = rc == SQLITE_ROW;
    }
  }
  auto damage = [&](const std::string& why) { return OpenError{{damage_error(db, why)}, true}; };
  if (is_damage(database.failure)) return damage(sqlite3_errmsg(database.handle));
  if (!has_runs && !rebuilding && holds_run_folders(home / "runs")) {
    return damage("it records no runs, but " + (home / "runs").string() +
                  " holds run folders: it was emptied or replaced");
  }
  // Switching a new database to WAL takes an exclusive lock that SQLite does not wait for,
  // so two processes creating the store at once retry here instead of failing.
  std::string setup = std::string("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;") + kSchema;
  for (int attempt = 0;; ++attempt) {
    char* message = nullptr;
    int rc = sqlite3_exec(database.handle, setup.c_str(), nullptr, nullptr, &message);
    std::string text = message ? message : "";
    sqlite3_free(message);
    if (rc == SQLITE_OK) break;
    if (is_damage(rc & 0xff)) return damage(text);
    if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || attempt >= 200) {
      return failure(fmt::format("cannot set up {}: {}", path, text));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10 + attempt % 40));
  }
  for (const char* column : {"display_name", "job_type", "parent_id"}) {
    if (Status added = database.add_column(column, "TEXT NOT NULL DEFAULT ''"); !added) {
      return failure(added.error().message);
    }
  }
  if (Status indexed = database.exec(kIndexes); !indexed) return failure(indexed.error().message);
  keep_space_reserve(home);
  return store;
}

RunStore::~RunStore() = default;

Status RunStore::insert(const RunRecord& run) {
  Db::Statement statement;
  std::string sql = fmt::format(
      "INSERT INTO runs ({}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
      "?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
      kColumns);
  if (Status prepared = db_->prepare(sql, statement); !prepared) return prepared;
  Db::bind_run(statement.raw, run);
  if (Status inserted = db_->step_done(statement.raw); !inserted) return inserted;
  db_->write_record_file(run, false);  // no one else knows the run yet: no lock needed
  return {};
}

Status RunStore::update(const RunRecord& run) {
  bool ended = false;
  auto write = [&]() -> Status {
    Db::Statement statement;
    const char* sql =
        "UPDATE runs SET name=?2, experiment=?3, status=?4, created_ms=?5, started_ms=?6, "
        "ended_ms=?7, exit_code=?8, reason=?9, spec_hash=?10, backend=?11, backend_job_id=?12, "
        "monitor_pid=?13, monitor_start=?14, display_name=?15 WHERE id=?1 AND status NOT IN "
        "('Completed', "
        "'Failed', 'Canceled')";
    if (Status prepared = db_->prepare(sql, statement); !prepared) return prepared;
    Db::bind_run(statement.raw, run);
    if (Status updated = db_->step_done(statement.raw); !updated) return updated;
    if (sqlite3_changes(db_->handle) == 0) {
      ended = true;
      return fail(fmt::format("run {} has already ended (or is not recorded)", run.id));
    }
    db_->write_record_file(run, false);
    return {};
  };
  Status written = db_->write_transaction(write);
  if (!written && !ended) {
    db_->write_record_file_only(run.id,
                                [&](RunRecord& recorded) { return (recorded = run), true; });
  }
  return written;
}

Status RunStore::finish(const std::string& id, RunStatus status, std::optional<int> exit_code,
                        const std::string& reason) {
  return db_->end_run(id, std::nullopt, status, exit_code, reason);
}

Status RunStore::finish_unwatched(const RunRecord& seen, RunStatus status,
                                  const std::string& reason) {
  return finish_unwatched(seen, status, std::nullopt, reason);
}

Result<std::optional<RunRecord>> RunStore::find(const std::string& id_or_name) {
  Result<std::vector<RunRecord>> found = matches(id_or_name, 2);
  if (!found) return found.error();
  if (found->size() == 1) return std::optional<RunRecord>(found->front());
  return std::optional<RunRecord>();
}

std::optional<RunRecord> find_if_readable(RunStore& store, const std::string& id_or_name) {
  Result<std::optional<RunRecord>> found = store.find(id_or_name);
  return found ? *found : std::nullopt;
}

Result<std::vector<RunRecord>> RunStore::matches(const std::string& id_or_name, size_t limit) {
  // An exact id first: a run's id may be the prefix of another's. A prefix is compared
  // exactly (LIKE would take '_' in an id for any character, and ignore case).
  for (const char* where : {"id = ?1", "name = ?1 OR substr(id, 1, length(?1)) = ?1"}) {
    Db::Statement statement;
    std::string sql = fmt::format(
        "SELECT {} FROM runs WHERE {} ORDER BY created_ms DESC, id DESC LIMIT ?2", kColumns, where);
    std::vector<RunRecord> found;
    if (Status prepared = db_->prepare(sql, statement); !prepared) return read_error(prepared);
    sqlite3_bind_text(statement.raw, 1, id_or_name.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(statement.raw, 2, static_cast<int64_t>(limit));
    if (Status read = db_->read_rows(statement.raw, found); !read) return read_error(read);
    if (!found.empty() || id_or_name.empty()) return found;
  }
  return std::vector<RunRecord>();
}

Result<std::vector<RunRecord>> RunStore::list(const RunFilter& filter) {
  std::vector<RunRecord> runs;
  Db::Statement statement;
  std::string sql = fmt::format(
      "SELECT {} FROM runs WHERE (?1 = '' OR experiment = ?1) AND (?2 = '' OR status = ?2) "
      "AND created_ms >= ?3 AND (?5 = '' OR parent_id = ?5) AND (?6 = 0 OR parent_id = '') "
      "ORDER BY created_ms DESC, id DESC LIMIT ?4",
      kColumns);
  if (Status prepared = db_->prepare(sql, statement); !prepared) return read_error(prepared);
  sqlite3_bind_text(statement.raw, 1, filter.experiment.c_str(), -1, SQLITE_TRANSIENT);
  std::string status = filter.status ? std::string(status_name(*filter.status)) : "";
  sqlite3_bind_text(statement.raw, 2, status.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(statement.raw, 3, filter.created_since_ms);
  sqlite3_bind_int64(statement.raw, 4, filter.limit ? static_cast<int64_t>(filter.limit) : -1);
  sqlite3_bind_text(statement.raw, 5, filter.parent.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(statement.raw, 6, filter.top_level ? 1 : 0);
  if (Status read = db_->read_rows(statement.raw, runs); !read) return read_error(read);
  return runs;
}

Status RunStore::finish_unwatched(const RunRecord& seen, RunStatus status,
                                  std::optional<int> exit_code, const std::string& reason) {
  return db_->end_run(seen.id, seen.monitor_pid, status, exit_code, reason);
}

Status RunStore::delete_ended_record(const std::string& id,
                                     const std::function<Status()>& while_locked) {
  return db_->write_transaction([&]() -> Status {
    auto run = db_->row(id);
    if (run && !is_terminal(run->status)) {
      return fail(fmt::format("run {} is {}: it has not ended (jobc runs cancel {} stops it)", id,
                              status_name(run->status), id));
    }
    if (Status done = while_locked(); !done) return done;
    Db::Statement statement;
    if (Status prepared = db_->prepare("DELETE FROM runs WHERE id = ?1", statement); !prepared) {
      return prepared;
    }
    sqlite3_bind_text(statement.raw, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    return db_->step_done(statement.raw);
  });
}

bool RunStore::reads_fine() {
  // quick_check reads every page once: a damaged page no command has read yet is found too.
  Db::Statement check;
  if (!db_->prepare("PRAGMA quick_check", check)) return false;
  if (sqlite3_step(check.raw) != SQLITE_ROW || std::string(text_column(check.raw, 0)) != "ok") {
    return false;
  }
  return list({}).ok();
}

Error RunStore::read_error(const Status& failed) const {
  const std::string& message = failed.error().message;
  if (is_damage(db_->failure)) return fail(message);  // the message says so already
  return fail(fmt::format("cannot read {}: {}", (home_ / "runs.db").string(), message));
}

}  // namespace jobc
