#include "support/sqlite_database.h"

#include <sqlite3.h>

namespace jobc {

SqliteDatabase::Statement::Statement(Statement&& other) noexcept
    : database_(other.database_), raw_(other.raw_) {
  other.raw_ = nullptr;
}

SqliteDatabase::Statement::~Statement() {
  sqlite3_finalize(raw_);
}

SqliteDatabase::Statement& SqliteDatabase::Statement::bind(int index, const std::string& text) {
  sqlite3_bind_text(raw_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

SqliteDatabase::Statement& SqliteDatabase::Statement::bind(int index, int64_t number) {
  sqlite3_bind_int64(raw_, index, number);
  return *this;
}

SqliteDatabase::Statement& SqliteDatabase::Statement::bind_double(int index, double number) {
  sqlite3_bind_double(raw_, index, number);
  return *this;
}

SqliteDatabase::Statement& SqliteDatabase::Statement::bind_null(int index) {
  sqlite3_bind_null(raw_, index);
  return *this;
}

Result<bool> SqliteDatabase::Statement::step() {
  int rc = sqlite3_step(raw_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return database_->last_error();
}

Status SqliteDatabase::Statement::run() {
  Result<bool> stepped = step();
  while (stepped.ok() && *stepped) stepped = step();
  reset();
  if (!stepped) return stepped.error();
  return {};
}

void SqliteDatabase::Statement::reset() {
  sqlite3_reset(raw_);
  sqlite3_clear_bindings(raw_);
}

std::string SqliteDatabase::Statement::text(int column) const {
  const unsigned char* text = sqlite3_column_text(raw_, column);
  int size = sqlite3_column_bytes(raw_, column);
  return text ? std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(size)) : "";
}

int64_t SqliteDatabase::Statement::integer(int column) const {
  return sqlite3_column_int64(raw_, column);
}

double SqliteDatabase::Statement::real(int column) const {
  return sqlite3_column_double(raw_, column);
}

bool SqliteDatabase::Statement::is_null(int column) const {
  return sqlite3_column_type(raw_, column) == SQLITE_NULL;
}

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::open(const std::filesystem::path& file,
                                                             int busy_ms) {
  std::unique_ptr<SqliteDatabase> database(new SqliteDatabase());
  database->file_ = file;
  int rc =
      sqlite3_open_v2(file.c_str(), &database->handle_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) return database->last_error();
  sqlite3_busy_timeout(database->handle_, busy_ms);
  if (Status wal = database->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"); !wal) {
    return wal.error();
  }
  return database;
}

SqliteDatabase::~SqliteDatabase() {
  if (handle_) sqlite3_close(handle_);
}

Status SqliteDatabase::exec(const std::string& sql) {
  if (sqlite3_exec(handle_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return last_error();
  }
  return {};
}

Result<SqliteDatabase::Statement> SqliteDatabase::prepare(const std::string& sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(handle_, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
    sqlite3_finalize(raw);
    return last_error();
  }
  return Statement(*this, raw);
}

Status SqliteDatabase::write_transaction(const std::function<Status()>& body) {
  if (Status begun = exec("BEGIN IMMEDIATE"); !begun) return begun;
  Status done = body();
  if (done) done = exec("COMMIT");
  if (!done && !sqlite3_get_autocommit(handle_)) (void)exec("ROLLBACK");
  return done;
}

Error SqliteDatabase::last_error() const {
  std::string message = handle_ ? sqlite3_errmsg(handle_) : "out of memory";
  return fail(file_.string() + ": " + message);
}

}  // namespace jobc
