// A sweep's objective: which of two primary-metric values is better for the goal, a trial's
// value, and the trials ranked best first, as Azure ML ranks a sweep's trials.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "jobc/model/sweep.h"
#include "sweep/sampler.h"

namespace jobc::sweep {

// The goal as written: `maximize` in any case maximizes, anything else minimizes (Azure ML has
// these two goals only; the front end rejects others).
Goal goal_of(const model::Objective& objective);

// Whether `a` is strictly better than `b` for the goal. NaN (a diverged metric) is worse than
// every number, so a trial that logs it never wins.
bool better(Goal goal, double a, double b);

// The best of a series of values (nullopt when empty). A trial's value for the objective is
// the best primary metric it logged: Azure ML sorts trials "by their best primary metric"
// (HyperDriveRun.get_children_sorted_by_primary_metric).
std::optional<double> best_value(Goal goal, std::span<const double> values);

// Trial indexes (positions in `values`) best first. Ties keep index order, so the earlier trial
// is the best of equals; trials without a value come last in index order, as Azure ML appends
// "child runs without the primary metric ... behind other child runs with the primary metric".
std::vector<int> best_first(Goal goal, const std::vector<std::optional<double>>& values);

}  // namespace jobc::sweep
