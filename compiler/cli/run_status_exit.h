// How a run's final state is shown and turned into jobc's exit status.
#pragma once

#include <ostream>
#include <string>

#include "jobc/run_store.h"

namespace jobc::cli {

inline constexpr int kExitCanceled = 130;

// 0 Completed, 1 Failed, 130 Canceled (as a shell reports Ctrl-C).
int exit_status_for(const RunRecord& run);
void print_final_status(const RunRecord& run, std::ostream& out);
// Cancels and reports problems on stderr.
void cancel_run(RunStore& store, const std::string& id);

}  // namespace jobc::cli
