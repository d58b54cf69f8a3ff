#include "runs/run_end_watch.h"

#include <fmt/format.h>

#include "runs/monitor.h"
#include "support/process.h"

namespace jobc {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

RunEndWatch::RunEndWatch(RunStore& store, std::string run_id, BackendFactory make)
    : store_(store),
      run_id_(std::move(run_id)),
      make_(std::move(make)),
      final_status_(final_status_file(store.run_dir(run_id_))) {}

bool RunEndWatch::ended() {
  std::error_code ec;
  if (std::filesystem::exists(final_status_, ec)) return true;
  auto now = Clock::now();
  if (now < next_check_) return false;
  next_check_ = now + milliseconds(250);
  auto run = find_if_readable(store_, run_id_);
  if (!run) return true;  // no longer readable: there is nothing left to wait for
  if (is_terminal(run->status) || !monitor_gone(*run)) return is_terminal(run->status);
  // The reconciliation every runs command does: the run is recorded Failed, its job stopped.
  (void)reconcile_runs(store_, make_);  // a store that fails leaves the run unended, below
  auto after = find_if_readable(store_, run_id_);
  if (!after || !is_terminal(after->status)) {
    if (run->monitor_pid == 0) return false;  // not past the grace a starting run gets
    monitor_lost_ = fmt::format(
        "the jobc process watching run {} (pid {}) is gone, and its end could not be recorded",
        run_id_, run->monitor_pid);
    return true;
  }
  monitor_lost_ = run->monitor_pid != 0
                      ? fmt::format("the jobc process watching run {} (pid {}) is gone", run_id_,
                                    run->monitor_pid)
                      : fmt::format("no jobc process took run {} over to watch it", run_id_);
  return true;
}

bool RunEndWatch::monitor_gone(const RunRecord& run) {
  if (run.monitor_pid != 0) {
    return !same_process_alive(static_cast<pid_t>(run.monitor_pid), run.monitor_start);
  }
  // Not taken over yet: the reconciliation decides when that has taken too long.
  auto now = Clock::now();
  if (now < next_reconcile_) return false;
  next_reconcile_ = now + std::chrono::seconds(2);
  return true;
}

}  // namespace jobc
