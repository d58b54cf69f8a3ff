#include "runs/cancel.h"

#include <signal.h>

#include "runs/monitor.h"
#include "runs/orphaned_job.h"
#include "support/process.h"

namespace jobc {

bool cancel_run(RunStore& store, const std::string& id, std::string& error,
                const BackendFactory& make) {
  auto run = store.find(id);
  if (!run) {
    error = "no run '" + id + "'";
    return false;
  }
  // A monitor may take the run over between our read and our write (it records itself
  // before it starts the job): then the write does nothing, and the next round signals it.
  for (int round = 0; round < 5 && run && !is_terminal(run->status); ++round) {
    pid_t monitor = static_cast<pid_t>(run->monitor_pid);
    if (same_process_alive(monitor, run->monitor_start)) {
      kill(monitor, SIGTERM);  // the monitor stops the job and records Canceled
      return true;
    }
    std::string reason = "canceled by the user";
    RunStatus status = RunStatus::Canceled;
    std::optional<int> code;
    std::string stop_error;
    std::optional<JobExit> ended;
    if (may_have_left_a_job(*run)) {
      if (!stop_orphaned_job(store, *run, make, stop_error, &ended)) {
        reason += "; the job may still be running: " + stop_error;
      } else if (ended) {
        // It had ended on its own before the cancel: that is how the run ended.
        std::string how;
        status = outcome_of_exit(*ended, how);
        code = ended->code;
        reason = how.empty() ? "ended before it was canceled" : how;
      }
    }
    if (Status finished = store.finish_unwatched(*run, status, code, reason); !finished) {
      error = finished.error().message;
      return false;
    }
    run = store.find(run->id);
  }
  return true;
}

}  // namespace jobc
