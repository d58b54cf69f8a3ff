#include "runs/cancel.h"

#include <signal.h>

#include "runs/monitor.h"
#include "runs/orphaned_job.h"
#include "support/process.h"

namespace jobc {

Status cancel_run(RunStore& store, const std::string& id, const BackendFactory& make) {
  Result<std::optional<RunRecord>> found = store.find(id);
  if (!found) return found.error();
  std::optional<RunRecord> run = *found;
  if (!run) return fail("no run '" + id + "'");
  // A monitor may take the run over between our read and our write (it records itself
  // before it starts the job): then the write does nothing, and the next round signals it.
  for (int round = 0; round < 5 && run && !is_terminal(run->status); ++round) {
    pid_t monitor = static_cast<pid_t>(run->monitor_pid);
    if (same_process_alive(monitor, run->monitor_start)) {
      kill(monitor, SIGTERM);  // the monitor stops the job and records Canceled
      return {};
    }
    std::string reason = "canceled by the user";
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
  return {};
}

}  // namespace jobc
