// How a run's final state is shown and turned into jobc's exit status.
#pragma once

#include <ostream>
#include <string>

#include "jobc/run_store.h"
#include "runs/run_end_watch.h"

namespace jobc::cli {

inline constexpr int kExitCanceled = 130;

// 0 Completed, 1 Failed, 130 Canceled (as a shell reports Ctrl-C).
int exit_status_for(const RunRecord& run);
void print_final_status(const RunRecord& run, std::ostream& out);
// After following run `id` until `watch` said it ended: says on stderr how it ended (and
// that its monitor is gone, when it is) and returns jobc's exit status for it, never 0 for a
// run whose monitor was lost. `quiet`: nothing is said of a run that Completed.
int report_run_end(RunStore& store, const std::string& id, const RunEndWatch& watch,
                   bool quiet = false);
// Cancels and reports problems on stderr.
void cancel_run(RunStore& store, const std::string& id);

}  // namespace jobc::cli
