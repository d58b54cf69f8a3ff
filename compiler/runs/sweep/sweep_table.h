// A sweep's trials as a table: `jobc submit --stream` redraws it while the sweep runs (one
// line per change when the output is not a terminal), and `jobc runs show SWEEP` prints it,
// best trial first.
#pragma once

#include <csignal>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "jobc/run_store.h"
#include "runs/sweep/sweep_record.h"

namespace jobc {

// The trials' rows, best first by the objective (trials without a metric after, by index);
// `limit` > 0 keeps the running ones and the best of the others up to that many rows.
std::vector<std::string> sweep_table(const SweepRecord& record, size_t limit = 0);

// The trials best first by the objective (no metric, or NaN, after, by index).
std::vector<const TrialRecord*> trials_best_first(const SweepRecord& record);

// One line for a trial: index, status (early termination marked), metric, parameters.
std::string trial_line(const SweepRecord& record, const TrialRecord& trial);

// The best trial and its parameters, or "" when no trial has a metric.
std::string best_trial_line(const SweepRecord& record);

// Follows the sweep in `run_dir` until `ended()` says it is over (or `interrupted`). On a
// terminal (`columns` > 0: its width), the table redrawn in place, each row cut to the width
// so that none wraps; otherwise (`columns` 0) a line per trial that starts or ends.
void follow_sweep(const std::filesystem::path& run_dir, std::ostream& out, size_t columns,
                  const std::function<bool()>& ended,
                  const volatile std::sig_atomic_t* interrupted);

}  // namespace jobc
