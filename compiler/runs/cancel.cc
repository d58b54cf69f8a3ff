#include "runs/cancel.h"

#include <signal.h>

#include <fstream>

#include "runs/monitor.h"
#include "runs/orphaned_job.h"
#include "support/private_files.h"
#include "support/process.h"

namespace jobc {

namespace {

constexpr const char* kUserCancel = "canceled by the user";

std::filesystem::path cancel_reason_file(const std::filesystem::path& run_dir) {
  return run_dir / "cancel_reason";
}

// A sweep whose controller is gone cannot cancel its trials: they are canceled here.
void cancel_trials(RunStore& store, const std::string& sweep_id, const std::string& why,
                   const BackendFactory& make);

}  // namespace

std::string cancel_reason(const std::filesystem::path& run_dir) {
  std::ifstream in(cancel_reason_file(run_dir));
  std::string reason;
  if (!in || !std::getline(in, reason) || reason.empty()) return kUserCancel;
  return reason;
}

Status cancel_run(RunStore& store, const std::string& id, const BackendFactory& make) {
  return cancel_run(store, id, kUserCancel, make);
}

Status cancel_run(RunStore& store, const std::string& id, const std::string& why,
                  const BackendFactory& make) {
  Result<std::optional<RunRecord>> found = store.find(id);
  if (!found) return found.error();
  std::optional<RunRecord> run = *found;
  if (!run) return fail("no run '" + id + "'");
  if (why != kUserCancel && !is_terminal(run->status)) {
    // Best effort: without it the run says it was canceled by the user.
    (void)write_private_file_atomically(cancel_reason_file(store.run_dir(run->id)), why + "\n");
  }
  // A monitor may take the run over between our read and our write (it records itself
  // before it starts the job): then the write does nothing, and the next round signals it.
  for (int round = 0; round < 5 && run && !is_terminal(run->status); ++round) {
    pid_t monitor = static_cast<pid_t>(run->monitor_pid);
    if (same_process_alive(monitor, run->monitor_start)) {
      kill(monitor, SIGTERM);  // the monitor stops the job and records Canceled
      return {};
    }
    std::string reason = why;
    RunStatus status = RunStatus::Canceled;
    std::optional<int> code;
    std::optional<JobExit> ended;
    if (may_have_left_a_job(*run)) {
      if (Status stopped = stop_orphaned_job(store, *run, make, &ended); !stopped) {
        reason += "; the job may still be running: " + stopped.error().message;
      } else if (ended) {
        // It had ended on its own before the cancel: that is how the run ended.
        std::string how;
        status = outcome_of_exit(*ended, how);
        code = ended->code;
        reason = how.empty() ? "ended before it was canceled" : how;
      }
    }
    if (Status finished = store.finish_unwatched(*run, status, code, reason); !finished) {
      return finished.error();
    }

    run = find_if_readable(store, run->id);
  }
  // A sweep that ended without its controller (or whose controller is gone) leaves its
  // trials to this cancel.
  if (run && !run->job_type.empty()) cancel_trials(store, run->id, why, make);
  return {};
}

namespace {

void cancel_trials(RunStore& store, const std::string& sweep_id, const std::string& why,
                   const BackendFactory& make) {
  RunFilter filter;
  filter.parent = sweep_id;
  auto trials = store.list(filter);
  if (!trials) return;
  for (const RunRecord& trial : *trials) {
    if (!is_terminal(trial.status)) (void)cancel_run(store, trial.id, why, make);
  }
}

}  // namespace

}  // namespace jobc
