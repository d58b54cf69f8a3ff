// What `jobc runs delete` and `jobc runs prune` share: only runs that are over are deleted,
// and what was deleted is said with the space it freed.
#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "cli/cmd_runs.h"
#include "runs/tracking/metrics_store.h"
#include "support/process.h"

namespace jobc::cli {
namespace {

std::string format_bytes(uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  double value = bytes / 1024.0;
  for (const char* unit : {"KiB", "MiB", "GiB"}) {
    if (value < 1024) return fmt::format("{:.1f} {}", value, unit);
    value /= 1024;
  }
  return fmt::format("{:.1f} TiB", value);
}

// Whether the run's monitor is still at work: it records the final status, then writes
// final_status.json and brings back outputs; give it a few seconds to exit.
bool monitor_done(const RunRecord& run) {
  for (int i = 0; i < 50; ++i) {
    if (run.monitor_pid <= 0 ||
        !same_process_alive(static_cast<pid_t>(run.monitor_pid), run.monitor_start)) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// A deleted run's metrics, parameters and tags go with it; failing that only leaves rows no
// run shows, so it is a warning.
void forget_metrics(const RunStore& store, const std::string& id) {
  auto metrics = MetricsStore::open(store.home());
  Status removed = metrics ? (*metrics)->remove(id) : Status(metrics.error());
  if (!removed) {
    std::cerr << "jobc: warning: run " << id
              << "'s metrics stay in runs.db: " << removed.error().message << "\n";
  }
}

// The runs with each sweep's trials after it: a sweep goes with its trials.
std::vector<RunRecord> with_trials(RunStore& store, const std::vector<RunRecord>& runs) {
  std::vector<RunRecord> all;
  for (const RunRecord& run : runs) {
    all.push_back(run);
    if (run.job_type.empty()) continue;
    RunFilter trials;
    trials.parent = run.id;
    if (auto listed = store.list(trials)) {
      for (RunRecord& trial : *listed) {
        bool listed_already = false;
        for (const RunRecord& other : runs) listed_already |= other.id == trial.id;
        if (!listed_already) all.push_back(std::move(trial));
      }
    }
  }
  return all;
}

}  // namespace

int delete_runs(RunStore& store, const std::vector<RunRecord>& given, bool dry_run, bool quiet,
                const std::string& command) {
  std::vector<RunRecord> runs = with_trials(store, given);
  std::string prefix = "jobc runs " + command + ": ";
  bool refused = false;
  for (const RunRecord& run : runs) {
    if (!is_terminal(run.status)) {
      std::cerr << fmt::format(
          "{}run {} is {}: only a run that has ended is deleted (jobc runs "
          "cancel {} stops it)\n",
          prefix, run.id, status_name(run.status), run.id);
      refused = true;
    } else if (!dry_run && !monitor_done(run)) {
      std::cerr << fmt::format("{}run {} is still finishing (pid {}): try again\n", prefix, run.id,
                               run.monitor_pid);
      refused = true;
    }
  }
  if (refused) {
    std::cerr << prefix << "nothing deleted\n";
    return kExitInvalid;
  }
  uint64_t total = 0;
  size_t deleted = 0;
  for (const RunRecord& run : runs) {
    uint64_t freed = 0;
    if (dry_run) {
      freed = store.disk_usage(run.id);
    } else if (Result<uint64_t> removed = store.remove(run.id); removed) {
      freed = *removed;
      forget_metrics(store, run.id);
    } else {
      std::cerr << fmt::format("{}cannot delete run {}: {}\n", prefix, run.id,
                               removed.error().message);
      return kExitUsage;
    }
    total += freed;
    ++deleted;
    std::cout << fmt::format("{} {} ({})\n", dry_run ? "would delete" : "deleted", run.id,
                             format_bytes(freed));
  }
  if (!quiet || dry_run) {
    std::cerr << fmt::format("{}{} {} run{}, {} {}\n", prefix, dry_run ? "would delete" : "deleted",
                             deleted, deleted == 1 ? "" : "s", format_bytes(total),
                             dry_run ? "to free" : "freed");
  }
  return kExitOk;
}

}  // namespace jobc::cli
