#include "cli/run_status_exit.h"

#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "runs/cancel.h"

namespace jobc::cli {

int exit_status_for(const RunRecord& run) {
  switch (run.status) {
    case RunStatus::Completed:
      return kExitOk;
    case RunStatus::Canceled:
      return kExitCanceled;
    default:
      return kExitInvalid;
  }
}

void print_final_status(const RunRecord& run, std::ostream& out) {
  double seconds = run.ended_ms > run.started_ms && run.started_ms > 0
                       ? (run.ended_ms - run.started_ms) / 1000.0
                       : 0.0;
  std::string detail = run.reason.empty() ? "" : " (" + run.reason + ")";
  out << fmt::format("jobc: run {}: {}{} after {:.1f} s\n", run.id, status_name(run.status), detail,
                     seconds);
}

int report_run_end(RunStore& store, const std::string& id, const RunEndWatch& watch, bool quiet) {
  const std::string& lost = watch.monitor_lost();
  if (!lost.empty()) std::cerr << "jobc: " << lost << "\n";
  Result<std::optional<RunRecord>> found = store.find(id);
  if (!found || !*found) {
    std::cerr << "jobc: "
              << (found ? "run " + id + " is no longer recorded" : found.error().message) << "\n";
    return kExitUsage;
  }
  const std::optional<RunRecord>& run = *found;
  if (!quiet || run->status != RunStatus::Completed || !lost.empty()) {
    print_final_status(*run, std::cerr);
  }
  int status = exit_status_for(*run);
  return !lost.empty() && status == kExitOk ? kExitInvalid : status;
}

void cancel_run(RunStore& store, const std::string& id) {
  if (Status canceled = jobc::cancel_run(store, id); !canceled) {
    std::cerr << "jobc: " << canceled.error().message << "\n";
  }
}

}  // namespace jobc::cli
