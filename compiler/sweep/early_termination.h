// Early termination of a sweep's trials, as Azure ML defines its policies: bandit,
// median_stopping and truncation_selection, applied at evaluation intervals after a delay.
//
// Azure ML: "Each time the training script logs the primary metric counts as one interval", and
// "the policy applies every multiple of evaluation_interval that is greater than or equal to
// delay_evaluation" (evaluation_interval 1 and delay_evaluation 0 when not written). At interval
// N every policy compares trials by their best primary metric up to interval N, "only compared
// with the performance of other runs up to interval N even if they reported metrics for
// intervals greater than N", among the trials, running or finished, that reached interval N.
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

// The running trials the policy stops now, by index, in index order. Only intervals a trial
// has reached count. A running trial is judged at the latest interval it reached that the
// policy evaluates, so a trial that logged twice between two calls is still judged. Finished
// trials count as the others a trial is compared with, but are never returned.
//   bandit: stopped when its best metric is worse than the best trial's by more than the slack:
//     slack_factor s (when written and not 0) allows the distance |best|*s/(1+s) when
//     maximizing ("less than 0.8/(1+slack_factor)") and |best|*s when minimizing (the mirror:
//     more than best*(1+s)); otherwise slack_amount is the distance (0 when not written).
//   median_stopping: stopped when its best metric is worse than the median of all the trials'
//     running averages over intervals 1..N.
//   truncation_selection: stopped when it is in the lowest truncation_percentage % of the
//     trials at interval N: cut = floor(trials * percentage / 100) and at least trials - cut
//     others did strictly better (so a tie with a trial that stays never stops it).
std::vector<int> trials_to_terminate(const model::EarlyTermination& policy, Goal goal,
                                     const std::vector<TrialProgress>& trials);

}  // namespace jobc::sweep
