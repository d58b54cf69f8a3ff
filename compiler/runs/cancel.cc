#include "runs/cancel.h"

#include <signal.h>

#include "support/process.h"

namespace jobc {

bool cancel_run(RunStore& store, const std::string& id, std::string& error) {
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
    if (run->backend == "local" && !run->backend_job_id.empty()) {
      kill(-static_cast<pid_t>(std::stoll(run->backend_job_id)), SIGKILL);
    }
    if (!store.finish_unwatched(*run, RunStatus::Canceled, "canceled by the user", error)) {
      return false;
    }
    run = store.find(run->id);
  }
  return true;
}

}  // namespace jobc
