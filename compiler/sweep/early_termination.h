// Early termination of a sweep's trials, as Azure ML defines its policies: bandit,
// median_stopping and truncation_selection, applied at evaluation intervals after a delay.
#pragma once

#include <vector>

#include "jobc/model/sweep.h"
#include "sweep/sampler.h"

namespace jobc::sweep {

// What a policy sees of one trial: the values of the primary metric in the order the trial
// logged them (the Nth value is interval N), and whether it is still running.
struct TrialProgress {
  int trial = 0;  // its index in the sweep
  std::vector<double> primary;
  bool running = false;
};

// The running trials the policy stops now, by index. Only intervals a trial has reached
// count, and a trial is judged only at an interval the policy evaluates.
std::vector<int> trials_to_terminate(const model::EarlyTermination& policy, Goal goal,
                                     const std::vector<TrialProgress>& trials);

}  // namespace jobc::sweep
