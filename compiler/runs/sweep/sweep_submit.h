// Submitting a sweep job on a backend that runs one trial at a time (local, Docker, Slurm):
// jobc's own controller samples the trials and runs each as a child run. Two steps, because
// the controller is this process forked, which must hold no SQLite connection and run no
// other thread when it forks: prepare_sweep (checks, the sweep's record, one code snapshot),
// then, with the store closed, start_sweep_controller.
#pragma once

#include <sys/types.h>

#include <memory>

#include "jobc/submit.h"
#include "runs/sweep/sweep_plan.h"
#include "runs/sweep/trial_group.h"

namespace jobc {

// Whether the sweep's compute is on a backend that runs sweeps itself (Azure ML): then the
// sweep goes to it whole, through submit_job. False when the compute cannot be resolved
// (prepare_sweep then says why).
bool sweep_runs_natively(const CompileResult& compiled, const std::string& compute);

struct SweepLaunch {
  Submission submission;  // the sweep run, recorded Queued
  std::shared_ptr<const SweepPlan> plan;
};

// The checks a command job gets (its compute, the trial on that backend, its inputs), and
// that the search space can be sampled; then the sweep's run, its folder and artifacts, and
// the code snapshot its trials share. Errors as submit_job's.
Result<SweepLaunch> prepare_sweep(const CompileResult& compiled, const SubmitOptions& options,
                                  RunStore& store, SourceManager& sources, DiagnosticSink& sink);

// Forks the controller (runs/sweep/sweep_controller.h) into a session of its own, detached
// from the terminal, and returns its pid. Call it with no RunStore or MetricsStore open in
// this process and no other thread running: the child opens its own. The controller ends the
// sweep as Failed itself if it cannot open the store. `first`: the trials queued already
// (queue_first_trials), which the controller prepares first.
Result<pid_t> start_sweep_controller(const std::filesystem::path& home,
                                     std::shared_ptr<const SweepPlan> plan,
                                     FirstTrials* first = nullptr);

}  // namespace jobc
