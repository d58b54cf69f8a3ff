// A sweep's trials in groups, on a backend that queues several runs as one job (a Slurm job
// array): how many the next group takes, sampling it, and queuing it before any of its
// trials is prepared (runs/prepared_run.h). The controller prepares each trial after; the
// submitting jobc queues the first group itself, so that `jobc submit` returns once the
// scheduler has it, as it does for a single job.
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <vector>

#include "jobc/compile.h"
#include "jobc/run_store.h"
#include "jobc/submit.h"
#include "runs/prepared_run.h"
#include "runs/sweep/sweep_plan.h"
#include "sweep/sampler.h"

namespace jobc {

// The sweep's limits on its trials, as the controller applies them.
struct TrialLimits {
  long long max_total = 0;       // 0: unlimited
  long long max_concurrent = 1;  // max_concurrent_trials, else max_total_trials, else 1
  long long timeout_s = 0;       // the whole sweep's; 0: none
};
TrialLimits trial_limits(const model::SweepJob& sweep);

// Why a trial could not start: the first error its diagnostics report (what the user wrote
// wrong), else `otherwise`.
Error trial_error(const DiagnosticSink& sink, const Error& otherwise);

// The trial's command job, compiled for the sweep's backend only.
Result<CompileResult> compile_trial(const SweepPlan& plan, const sweep::Parameters& parameters);

// What trial `index` is submitted with: the sweep's compute and code snapshot, its name.
SubmitOptions trial_options(const SweepPlan& plan, int index, std::ostream* progress);

// The most trials one group takes: Slurm's default MaxArraySize is 1001.
inline constexpr long long kMaxGroupSize = 1000;

struct TrialGroup {
  int first = 0;  // the index of its first trial
  std::vector<sweep::Parameters> parameters;
  bool exhausted = false;  // the search space has no trial after these
  bool last = false;       // no trial after these: exhausted, or max_total_trials reached
  long long at_once = 0;   // the most of them running at once; 0: all
  // Once queued: the first trial's job, as the group was queued with it, and the group.
  std::optional<CompileResult> first_compiled;
  QueuedGroup queued;
};

// The next group, with `started` trials so far and `active` of them not ended: a sampler
// that learns from results samples only as many as can run now; the others every trial
// left (up to kMaxGroupSize) once no trial is active, the backend keeping
// max_concurrent_trials of them running. No parameters: none can start now.
TrialGroup sample_trial_group(const TrialLimits& limits, sweep::Sampler& sampler, size_t started,
                              size_t active);

// Queues `group` as one job, with its first trial's job: the trials differ only in their
// parameters, which each one's prepared launch script holds. An error: nothing queued.
Status queue_trial_group(const SweepPlan& plan, TrialGroup& group, RunStore& store);

// A sweep's first group, queued by the submitting jobc, and the sampler that drew it.
struct FirstTrials {
  std::unique_ptr<sweep::Sampler> sampler;
  TrialGroup group;
};

// On a backend that queues groups, samples and queues the sweep's first group; nullopt on
// any other (the controller starts the trials). An error: nothing was queued.
Result<std::optional<FirstTrials>> queue_first_trials(const SweepPlan& plan, RunStore& store);

}  // namespace jobc
