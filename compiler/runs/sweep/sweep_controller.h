// The controller of a sweep run: samples trials and runs each as a child run of the sweep
// (a command job of its own, through submit_job and its own monitor), at most
// max_concurrent_trials at once, until max_total_trials, the grid's end or limits.timeout;
// applies the early termination policy to the trials' primary metric as they log it; keeps
// RUN_DIR/sweep.json and the sweep's log; and records how the sweep ended.
#pragma once

#include <atomic>

#include "jobc/run_store.h"
#include "runs/sweep/sweep_plan.h"
#include "runs/sweep/trial_group.h"

namespace jobc {

class MetricsStore;

// Runs the sweep to its end and records it. `cancel` set (SIGTERM): every trial is canceled
// and the sweep ends Canceled.
// With `first`, the first trials were queued already (queue_first_trials): it prepares them
// first, and samples on with their sampler.
void run_sweep(const SweepPlan& plan, RunStore& store, MetricsStore& metrics,
               const std::atomic<bool>& cancel, FirstTrials* first = nullptr);

}  // namespace jobc
