// A run whose monitor is gone (killed -9, its machine rebooted) may have left its job
// running: a local process group, a container, a Slurm job. Whoever notices (`jobc runs
// cancel`, the reconciliation of stale runs) stops it through the run's backend.
#pragma once

#include <optional>
#include <string>

#include "jobc/result.h"
#include "jobc/run_store.h"
#include "runs/backend_factory.h"

namespace jobc {

// Whether `run` may have a job running somewhere: a monitor started it, or `jobc submit`
// handed it to a scheduler itself (its backend job id is recorded).
bool may_have_left_a_job(const RunRecord& run);

// Stops what `run` left running, with the backend `make` gives for it and what the run's
// monitor.json recorded. Fails, saying why, when the job may still be running. `ended`, if
// given, receives how the job exited when it had ended on its own (no monitor watching)
// and its backend kept its exit status (Backend::orphaned_exit); nullopt otherwise.
Status stop_orphaned_job(const RunStore& store, const RunRecord& run, const BackendFactory& make,
                         std::optional<JobExit>* ended = nullptr);

}  // namespace jobc
