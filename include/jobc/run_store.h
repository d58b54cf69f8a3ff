// The run store: one SQLite database (WAL mode) under JOBC_HOME recording every run, so
// `jobc runs ...` works across processes, and concurrent submits never collide.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "jobc/result.h"
#include "jobc/run_record.h"

namespace jobc {

struct RunFilter {
  std::string experiment;
  std::optional<RunStatus> status;
  int64_t created_since_ms = 0;  // only runs created at or after this time (0: any)
  size_t limit = 0;              // at most this many, the newest (0: all)
  std::string parent{};          // only the trials of this sweep run
  bool top_level = false;        // only runs that are no sweep's trial
};

// The folder jobc keeps runs in: $JOBC_HOME, else $XDG_DATA_HOME/jobc, else ~/.local/share/jobc.
// jobc creates it, runs/ and every run folder with mode 0700, and runs.db with 0600.
std::filesystem::path jobc_home();

// What to tell the user when `home` is open to other users (a folder made before jobc kept it
// private, or by hand), or empty. jobc does not change the mode of a folder it did not make.
std::string home_privacy_warning(const std::filesystem::path& home);

// What `jobc runs repair` did.
struct StoreRepair {
  bool was_damaged = false;                   // false: the store read fine, it was not rebuilt
  std::filesystem::path kept_as;              // where the damaged runs.db was moved, if it existed
  int restored = 0;                           // runs recorded again from their folders
  std::vector<std::string> without_record;    // folders under runs/ that hold no run to restore
  std::vector<std::string> deletes_finished;  // runs whose interrupted delete was finished
};

class RunStore {
 public:
  // Opens (creating if needed) home/runs.db. A damaged store (not a database, a damaged page,
  // emptied while runs/ holds run folders) is an error that says so and how to repair it.
  static Result<std::unique_ptr<RunStore>> open(const std::filesystem::path& home);
  // Checks home/runs.db and, when it is damaged, moves it aside (never deletes it) and
  // records every run again from the run.json in its folder. An error when the store could
  // not be rebuilt.
  static Result<StoreRepair> repair(const std::filesystem::path& home);
  ~RunStore();

  const std::filesystem::path& home() const { return home_; }
  // Closing leaves the write-ahead log to the next connection (SQLite otherwise folds it
  // into the database, syncing twice, when its last connection closes): for a process that
  // hands the store to one that opens it at once (jobc submit to a sweep's controller).
  void leave_log_on_close();
  std::filesystem::path run_dir(const std::string& id) const { return home_ / "runs" / id; }

  Status insert(const RunRecord& run);
  // Writes every mutable field of `run` (status, times, exit code, reason, ids, monitor),
  // unless the run has already ended in the store: an ended run stays ended (a cancel
  // recorded meanwhile is not overwritten). An error when nothing was written.
  Status update(const RunRecord& run);
  // Moves a run to a terminal status unless it already is terminal (first writer wins).
  Status finish(const std::string& id, RunStatus status, std::optional<int> exit_code,
                const std::string& reason);
  // finish(), but only while the run's monitor is still the one `seen` records (0: none
  // yet): a run that a monitor has taken over since `seen` was read is left to it. Read the
  // run again to know which happened.
  Status finish_unwatched(const RunRecord& seen, RunStatus status, const std::string& reason);
  // By id, else the one run whose name is `id_or_name` or whose id starts with it; nullopt
  // when none or several match (matches() tells which). An error when the store cannot be
  // read (it says whether it is damaged).
  Result<std::optional<RunRecord>> find(const std::string& id_or_name);
  // The run with id `id_or_name`, else every run (newest first, at most `limit`) whose name
  // is `id_or_name` or whose id starts with it.
  Result<std::vector<RunRecord>> matches(const std::string& id_or_name, size_t limit = 20);
  // An error rather than a partial list: a history with runs missing must not be shown.
  Result<std::vector<RunRecord>> list(const RunFilter& filter);
  // finish_unwatched(), recording the job's exit code (a job that ended on its own while no
  // monitor watched it).
  Status finish_unwatched(const RunRecord& seen, RunStatus status, std::optional<int> exit_code,
                          const std::string& reason);
  // Deletes an ended run: its folder is moved to HOME/trash/<id> (one rename), then its record
  // is deleted, then the folder is removed. A crash in between leaves a folder in trash/,
  // which repair() (or deleting the run again) finishes deleting. The disk space its files
  // used, or an error (nothing deleted) for a run not recorded or not ended.
  Result<uint64_t> remove(const std::string& id);
  // The disk space run `id`'s folder holds (as du counts it).
  uint64_t disk_usage(const std::string& id) const;
  // Finishes the deletes a crash interrupted (HOME/trash/<id>); the ids it finished.
  std::vector<std::string> finish_interrupted_removals();

  // Every write also rewrites RUN_DIR/run.json (when the run's folder exists) from the
  // store's row, inside the write's transaction, so the folder's copy follows the store's
  // order of changes; a write the database refuses (damaged, disk full) still reaches it.

 private:
  RunStore() = default;
  // Why open_at() failed; `damaged` tells damage (which repair() rebuilds) from the rest.
  struct OpenError : Error {
    bool damaged = false;
  };
  // open(); `rebuilding` (for repair) allows an empty store beside run folders.
  static Result<std::unique_ptr<RunStore>, OpenError> open_at(const std::filesystem::path& home,
                                                              bool rebuilding);
  // Deletes run `id`'s record if it has ended (and none is no error), in one write
  // transaction that first runs `while_locked`; an error when the run has not ended or a
  // step failed (nothing is deleted).
  Status delete_ended_record(const std::string& id, const std::function<Status()>& while_locked);
  // The error of a read that `failed`, saying which file when it is not damage (whose
  // message says what to do).
  Error read_error(const Status& failed) const;
  bool reads_fine();  // every page of the database reads back, and every run
  struct Db;
  std::unique_ptr<Db> db_;
  std::filesystem::path home_;
};

// find(), with nothing also when the store cannot be read: for callers that go on either way
// (a monitor reading its own run back after a write, a wait that ends when the run does).
std::optional<RunRecord> find_if_readable(RunStore& store, const std::string& id_or_name);

// A new run id: "<experiment>_<unix seconds>_<8 random hex digits>".
std::string new_run_id(const std::string& experiment);
int64_t now_ms();

}  // namespace jobc
