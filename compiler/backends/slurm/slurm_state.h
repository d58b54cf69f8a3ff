// What a Slurm job's record (GET /slurm/v0.0.38/job/<id>) means for jobc: waiting for its
// nodes, running, or ended, with the exit and the reason in words.
//   PENDING, CONFIGURING, REQUEUED, ... -> Queued, "Slurm job N is PENDING (Resources)"
//   RUNNING, COMPLETING, SUSPENDED, ... -> Running
//   COMPLETED                  -> Completed (exit code 0)
//   FAILED                     -> Failed, "exit code N" (or the state reason if it has none)
//   CANCELLED                  -> Canceled (outside jobc: scancel or an administrator)
//   TIMEOUT                    -> Failed, "timeout: reached the Slurm time limit ..."
//   NODE_FAIL, PREEMPTED, OUT_OF_MEMORY, BOOT_FAIL, DEADLINE, ... -> Failed, with why
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "jobc/backend.h"

namespace jobc::slurm {

struct JobView {
  std::string state;  // the job_state Slurm reports
  bool running = false;
  JobPhase phase;               // while it has not ended: Queued (and why) or Running
  std::optional<JobExit> exit;  // set once the job has ended
};

// `timeout_seconds`: the job's limits.timeout, to explain a TIMEOUT.
JobView view_job(const nlohmann::json& job, long long timeout_seconds);

// The exit of a process from Slurm's exit_code (a wait status: code << 8, or the signal).
JobExit exit_from_wait_status(long long status);

}  // namespace jobc::slurm
