// A SQLite connection with the error convention's Result/Status: prepared statements that
// finalize themselves, and write transactions that take the lock first (BEGIN IMMEDIATE).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "jobc/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace jobc {

class SqliteDatabase {
 public:
  class Statement {
   public:
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&&) = delete;
    ~Statement();
    // Binds parameter `index` (1-based).
    Statement& bind(int index, const std::string& text);
    Statement& bind(int index, int64_t number);
    Statement& bind_double(int index, double number);
    Statement& bind_null(int index);
    // One step: true with a row to read, false when done.
    Result<bool> step();
    // Steps to the end (a statement that returns no rows), then resets it for reuse.
    Status run();
    void reset();
    std::string text(int column) const;
    int64_t integer(int column) const;
    double real(int column) const;
    bool is_null(int column) const;

   private:
    friend class SqliteDatabase;
    Statement(SqliteDatabase& database, sqlite3_stmt* raw) : database_(&database), raw_(raw) {}
    SqliteDatabase* database_;
    sqlite3_stmt* raw_;
  };

  // Opens (creating) `file` in WAL mode, waiting up to `busy_ms` for another writer's lock.
  static Result<std::unique_ptr<SqliteDatabase>> open(const std::filesystem::path& file,
                                                      int busy_ms = 10000);
  ~SqliteDatabase();
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  Status exec(const std::string& sql);
  Result<Statement> prepare(const std::string& sql);
  // Runs `body` inside BEGIN IMMEDIATE ... COMMIT; rolls back when it fails.
  Status write_transaction(const std::function<Status()>& body);
  // SQLite's message for the last failure, with the file's name.
  Error last_error() const;

 private:
  SqliteDatabase() = default;
  sqlite3* handle_ = nullptr;
  std::filesystem::path file_;
};

}  // namespace jobc
