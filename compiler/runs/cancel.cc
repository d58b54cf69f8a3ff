#include "runs/cancel.h"

#include <signal.h>

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
    std::string stop_error;
    if (may_have_left_a_job(*run) && !stop_orphaned_job(store, *run, make, stop_error)) {
      reason += "; the job may still be running: " + stop_error;
    }
    if (!store.finish_unwatched(*run, RunStatus::Canceled, reason, error)) {
      return false;
    }
    run = store.find(run->id);
  }
  return true;
}

}  // namespace jobc
