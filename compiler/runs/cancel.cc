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
  if (is_terminal(run->status)) return true;
  pid_t monitor = static_cast<pid_t>(run->monitor_pid);
  if (same_process_alive(monitor, run->monitor_start)) {
    kill(monitor, SIGTERM);  // the monitor stops the job and records Canceled
    return true;
  }
  if (run->backend == "local" && !run->backend_job_id.empty()) {
    kill(-static_cast<pid_t>(std::stoll(run->backend_job_id)), SIGKILL);
  }
  return store.finish(run->id, RunStatus::Canceled, std::nullopt, "canceled by the user", error);
}

}  // namespace jobc
