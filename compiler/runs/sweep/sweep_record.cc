#include "runs/sweep/sweep_record.h"

#include <fstream>

#include "support/private_files.h"

namespace jobc {

namespace fs = std::filesystem;
using json = nlohmann::json;

fs::path sweep_record_file(const fs::path& run_dir) {
  return run_dir / "sweep.json";
}

json trial_json(const TrialRecord& trial) {
  return {{"index", trial.index},
          {"run_id", trial.run_id},
          {"parameters", trial.parameters.is_null() ? json::object() : trial.parameters},
          {"status", trial.status},
          {"metric", trial.metric ? json(*trial.metric) : json(nullptr)},
          {"early_terminated",
           trial.early_terminated.empty() ? json(nullptr) : json(trial.early_terminated)}};
}

json sweep_record_json(const SweepRecord& record) {
  json trials = json::array();
  for (const TrialRecord& trial : record.trials) trials.push_back(trial_json(trial));
  return {{"primary_metric", record.primary_metric},
          {"goal", record.goal},
          {"sampling", record.sampling},
          {"seed", record.seed},
          {"max_total_trials", record.max_total_trials},
          {"max_concurrent_trials", record.max_concurrent_trials},
          {"trials", trials},
          {"best_trial", record.best_trial.empty() ? json(nullptr) : json(record.best_trial)},
          {"state", record.state}};
}

Status write_sweep_record(const fs::path& run_dir, const SweepRecord& record) {
  // A NaN metric has no JSON form: it is written as null (no value to rank).
  std::string text =
      sweep_record_json(record).dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  return write_private_file_atomically(sweep_record_file(run_dir), text);
}

std::optional<SweepRecord> read_sweep_record(const fs::path& run_dir) {
  std::ifstream in(sweep_record_file(run_dir));
  if (!in) return std::nullopt;
  json doc = json::parse(in, nullptr, false);
  if (!doc.is_object()) return std::nullopt;
  try {
    SweepRecord record;
    record.primary_metric = doc.value("primary_metric", "");
    record.goal = doc.value("goal", "");
    record.sampling = doc.value("sampling", "");
    record.seed = doc.value("seed", uint64_t{0});
    record.max_total_trials = doc.value("max_total_trials", 0LL);
    record.max_concurrent_trials = doc.value("max_concurrent_trials", 0LL);
    if (doc["best_trial"].is_string()) record.best_trial = doc["best_trial"].get<std::string>();
    record.state = doc.value("state", "");
    for (const json& item : doc.value("trials", json::array())) {
      TrialRecord trial;
      trial.index = item.value("index", 0);
      trial.run_id = item.value("run_id", "");
      trial.parameters = item.value("parameters", json::object());
      trial.status = item.value("status", "");
      if (item.contains("metric") && item["metric"].is_number()) {
        trial.metric = item["metric"].get<double>();
      }
      if (item.contains("early_terminated") && item["early_terminated"].is_string()) {
        trial.early_terminated = item["early_terminated"].get<std::string>();
      }
      record.trials.push_back(std::move(trial));
    }
    return record;
  } catch (const json::exception&) {
    return std::nullopt;  // a file of another shape: no record to show
  }
}

}  // namespace jobc
