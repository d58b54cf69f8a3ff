// The run store: one SQLite database (WAL mode) under JOBC_HOME recording every run, so
// `jobc runs ...` works across processes, and concurrent submits never collide.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace jobc {

enum class RunStatus { Queued, Running, Completed, Failed, Canceled };
std::string_view status_name(RunStatus status);
std::optional<RunStatus> parse_status(std::string_view text);
bool is_terminal(RunStatus status);

struct RunRecord {
  std::string id;
  std::string name;
  std::string experiment;
  RunStatus status = RunStatus::Queued;
  int64_t created_ms = 0;  // milliseconds since the epoch
  int64_t started_ms = 0;
  int64_t ended_ms = 0;
  std::optional<int> exit_code;
  std::string reason;  // why it failed or was canceled
  std::string spec_hash;
  std::string backend;         // local, docker, slurm, azureml
  std::string backend_job_id;  // the backend's own id (a process group, a container, a Slurm job)
  int64_t monitor_pid = 0;     // the jobc process that watches the run
  int64_t monitor_start = 0;   // its start time (from /proc), so a reused pid is not mistaken
};

struct RunFilter {
  std::string experiment;
  std::optional<RunStatus> status;
};

// The folder jobc keeps runs in: $JOBC_HOME, else $XDG_DATA_HOME/jobc, else ~/.local/share/jobc.
std::filesystem::path jobc_home();

class RunStore {
 public:
  // Opens (creating if needed) home/runs.db. nullptr with `error` set on failure.
  static std::unique_ptr<RunStore> open(const std::filesystem::path& home, std::string& error);
  ~RunStore();

  const std::filesystem::path& home() const { return home_; }
  std::filesystem::path run_dir(const std::string& id) const { return home_ / "runs" / id; }

  bool insert(const RunRecord& run, std::string& error);
  // Writes every mutable field of `run` (status, times, exit code, reason, ids, monitor),
  // unless the run has already ended in the store: an ended run stays ended (a cancel
  // recorded meanwhile is not overwritten). False with `error` when nothing was written.
  bool update(const RunRecord& run, std::string& error);
  // Moves a run to a terminal status unless it already is terminal (first writer wins).
  bool finish(const std::string& id, RunStatus status, std::optional<int> exit_code,
              const std::string& reason, std::string& error);
  // finish(), but only while the run's monitor is still the one `seen` records (0: none
  // yet): a run that a monitor has taken over since `seen` was read is left to it. Read the
  // run again to know which happened.
  bool finish_unwatched(const RunRecord& seen, RunStatus status, const std::string& reason,
                        std::string& error);
  // By id, or by a unique id prefix, or by name (the newest run with that name).
  std::optional<RunRecord> find(const std::string& id_or_name);
  std::vector<RunRecord> list(const RunFilter& filter);
  // finish_unwatched(), recording the job's exit code (a job that ended on its own while no
  // monitor watched it).
  bool finish_unwatched(const RunRecord& seen, RunStatus status, std::optional<int> exit_code,
                        const std::string& reason, std::string& error);

 private:
  RunStore() = default;
  struct Db;
  std::unique_ptr<Db> db_;
  std::filesystem::path home_;
};

// A new run id: "<experiment>_<unix seconds>_<8 random hex digits>".
std::string new_run_id(const std::string& experiment);
int64_t now_ms();

}  // namespace jobc
