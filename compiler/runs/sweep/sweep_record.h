// What a sweep run's folder says of its trials (RUN_DIR/sweep.json): written by the sweep's
// controller as trials start and end, read by `submit --stream`'s live table, `runs show`
// and `jobc ui`. Replaced atomically, so a reader never sees half of it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "jobc/result.h"

namespace jobc {

struct TrialRecord {
  int index = 0;
  std::string run_id;            // empty while it could not be started
  nlohmann::json parameters;     // name -> sampled value
  std::string status;            // the trial run's status: Queued, Running, Completed, ...
  std::optional<double> metric;  // its best primary metric so far
  std::string early_terminated;  // why the policy stopped it; empty when it did not
};

struct SweepRecord {
  std::string primary_metric;
  std::string goal;      // "minimize" or "maximize"
  std::string sampling;  // grid, random, sobol, bayesian
  uint64_t seed = 0;
  long long max_total_trials = 0;
  long long max_concurrent_trials = 0;
  std::vector<TrialRecord> trials;  // by index
  std::string best_trial;           // the best trial's run id, once one has a metric
  std::string state;                // what the controller is doing: "sampling", "ended: ..."
};

std::filesystem::path sweep_record_file(const std::filesystem::path& run_dir);
nlohmann::json sweep_record_json(const SweepRecord& record);
nlohmann::json trial_json(const TrialRecord& trial);
Status write_sweep_record(const std::filesystem::path& run_dir, const SweepRecord& record);
// nullopt when the folder holds none (not a sweep, or its controller has not written it yet).
std::optional<SweepRecord> read_sweep_record(const std::filesystem::path& run_dir);

}  // namespace jobc
