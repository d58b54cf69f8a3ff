// Test helper: runs a command through /bin/sh and captures its exit status, stdout and stderr.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace jobc::testing {

struct CommandResult {
  int status = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

inline CommandResult run_command(const std::string& command) {
  static int counter = 0;
  auto base = std::filesystem::temp_directory_path() /
              ("jobc-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::string out_file = base.string() + ".out";
  std::string err_file = base.string() + ".err";
  int raw = std::system((command + " >" + out_file + " 2>" + err_file + " </dev/null").c_str());
  CommandResult result;
  result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
  result.out = slurp(out_file);
  result.err = slurp(err_file);
  std::filesystem::remove(out_file);
  std::filesystem::remove(err_file);
  return result;
}

// Quotes one argument for /bin/sh.
inline std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// Runs `sql` on the SQLite database `db` with the sqlite3 shell, waiting up to 10 s for a
// lock, as jobc does: a run's monitor may be writing its record at the same moment.
inline CommandResult run_sql(const std::string& db, const std::string& sql) {
  return run_command("sqlite3 -cmd '.timeout 10000' " + shell_quote(db) + " " + shell_quote(sql));
}

inline std::string jobc_command(const std::string& arguments) {
  return shell_quote(JOBC_BINARY) + " " + arguments;
}

}  // namespace jobc::testing
