// How a follower of a run (`jobc submit --stream`, `jobc runs logs --follow`) knows the run
// is over: its final status file appears, its record ends, or the jobc process watching it
// (its monitor) is gone, which nothing in the run's folder would ever show.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include "jobc/run_store.h"
#include "runs/backend_factory.h"

namespace jobc {

class RunEndWatch {
 public:
  // `make` gives the backend that stops a job whose monitor is gone (tests pass a fake).
  RunEndWatch(RunStore& store, std::string run_id, BackendFactory make = registry_backend);

  // True once the run has ended. A run whose monitor died is reconciled first (recorded
  // Failed, its job stopped), so it has ended too. The store and /proc are read at most
  // every few hundred milliseconds; the final status file at every call.
  bool ended();

  // Once ended() found the monitor gone: what happened, for the user. Else empty.
  const std::string& monitor_lost() const { return monitor_lost_; }

 private:
  bool monitor_gone(const RunRecord& run);

  RunStore& store_;
  std::string run_id_;
  BackendFactory make_;
  std::filesystem::path final_status_;
  std::chrono::steady_clock::time_point next_check_{};
  std::chrono::steady_clock::time_point next_reconcile_{};
  std::string monitor_lost_;
};

}  // namespace jobc
