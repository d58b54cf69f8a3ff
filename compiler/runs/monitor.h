// The run monitor: a jobc process of its own that owns one run from start to final status
// (start, wait, timeout, cancel on SIGTERM, collect outputs, record the result), so a run
// survives the jobc that submitted it, kill -9 included.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "jobc/backend.h"
#include "jobc/result.h"
#include "jobc/run_store.h"
#include "runs/backend_factory.h"

namespace jobc {

// Seconds between SIGTERM and SIGKILL when a run is canceled or times out.
inline constexpr int kStopGraceSeconds = 10;

// Starts the monitor as a fresh jobc process (`jobc __monitor RUN_DIR`) in a new session,
// detached from the terminal and from this process, and returns its pid, or -1. A fresh
// process, not a fork: SQLite connections must not cross fork(). The context goes through
// RUN_DIR/monitor.json, written before (write_monitor_config). The monitor's environment is
// this process's without the variables `withheld` names (credentials it has no use for).
// `tracking_control` (>= 0): the pipe that keeps the run's tracking endpoint running, which
// the submitting jobc started before the job; the monitor holds it (as descriptor 3) until it
// ends.
Result<pid_t> start_monitor(const std::filesystem::path& run_dir,
                            const std::vector<std::string>& withheld, int tracking_control = -1);

// The body of `jobc __monitor RUN_DIR`: runs the job to its final status. Returns the
// process exit status.
int monitor_main(const std::filesystem::path& run_dir,
                 const BackendFactory& make = registry_backend);

// How a run ends after its job exited: Completed, or Failed (or Canceled outside jobc) with
// `reason` set (exit code N, killed by signal N, or the backend's own reason).
RunStatus outcome_of_exit(const JobExit& exit, std::string& reason);

// Appends "[jobc] <line>" to the run's std_log.txt, where the user reads the job's output.
void append_run_log(const RunContext& context, const std::string& line);

// Writes the backend's phase (Queued or Running, and why) into `run`; the run counts as
// started once it is Running.
void apply_phase(RunRecord& run, const JobPhase& phase);

// Ends a run whose job never started: `log_line` goes to its std_log.txt, the run is recorded
// with `status` and `reason` (unless it has ended already), and context.run is read back.
void end_unstarted_run(RunStore& store, RunContext& context, RunStatus status,
                       const std::string& reason, const std::string& log_line);

// The file the monitor writes last; its existence means the run is over.
std::filesystem::path final_status_file(const std::filesystem::path& run_dir);

// Ends runs whose monitor is gone and stops what they left running through their backend
// (`make` gives it; tests pass a fake): Failed, unless the job ended on its own and kept its
// exit status (Backend::orphaned_exit), which is then recorded. Also removes what dead jobc
// processes left behind: snapshot staging folders, run folders never recorded. An error when
// the store cannot be read.
Status reconcile_runs(RunStore& store, const BackendFactory& make = registry_backend);

}  // namespace jobc
