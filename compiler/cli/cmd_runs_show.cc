// `jobc runs show RUN`: every field of one run, as text or one JSON object.
#include <fmt/format.h>

#include <cmath>
#include <iostream>

#include "cli/cmd_runs.h"
#include "cli/run_json.h"
#include "runs/monitor_config.h"
#include "runs/sweep/sweep_table.h"
#include "runs/tracking/metrics_store.h"

namespace jobc::cli {
namespace {

struct ShowArgs {
  std::string run;
  std::string output = "table";
};

int show_run(const ShowArgs& args) {
  auto store = open_runs_store();
  if (!store) return kExitUsage;
  auto run = find_run(*store, args.run, "show");
  if (!run) return kExitUsage;
  nlohmann::json info = run_json(*run, store->run_dir(run->id));
  run_folder(*store, *run);  // a note when it is gone; the record is still shown
  // The run's page in its backend's own UI (Azure ML studio), as the backend recorded it.
  if (auto config = read_monitor_config(store->run_dir(run->id))) {
    const nlohmann::json state = config->value("backend_state", nlohmann::json::object());
    if (state.is_object() && state.value("url", "") != "") info["url"] = state.value("url", "");
  }
  // What the job logged with MLflow's API: parameters, tags and the last value of each metric.
  if (auto metrics = MetricsStore::open(store->home())) {
    auto params = (*metrics)->params(run->id);
    auto tags = (*metrics)->tags(run->id);
    auto latest = (*metrics)->latest(run->id);
    if (params && !params->empty()) info["params"] = *params;
    if (tags && !tags->empty()) info["tags"] = *tags;
    if (latest && !latest->empty()) {
      nlohmann::json last = nlohmann::json::object();
      for (const MetricPoint& point : *latest) {
        last[point.key] = metric_value_json(point.value);
      }
      info["metrics"] = last;
    }
  }
  // A sweep: its trials, best first by the objective.
  std::optional<SweepRecord> sweep = read_sweep_record(store->run_dir(run->id));
  if (sweep) {
    nlohmann::json record = sweep_record_json(*sweep);
    record["trials"] = nlohmann::json::array();
    for (const TrialRecord* trial : trials_best_first(*sweep)) {
      record["trials"].push_back(trial_json(*trial));
    }
    info["sweep"] = record;
  }
  if (args.output == "json") {
    std::cout << info.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return kExitOk;
  }
  for (const auto& [key, value] : info.items()) {
    if (key == "sweep") continue;  // the table below
    if (value.is_object()) {       // params, tags, metrics: one line each
      std::cout << key << ":\n";
      for (const auto& [name, entry] : value.items()) {
        std::cout << fmt::format("  {:<24} {}\n", name,
                                 entry.is_string() ? entry.get<std::string>() : entry.dump());
      }
      continue;
    }
    std::string text = value.is_string() ? value.get<std::string>()
                       : value.is_null() ? ""
                                         : value.dump();
    std::cout << fmt::format("{:<15} {}\n", key + ":", text);
  }
  if (sweep) {
    std::cout << fmt::format("trials:        {} ({} {}, {} sampling, seed {})\n",
                             sweep->trials.size(), sweep->goal, sweep->primary_metric,
                             sweep->sampling, sweep->seed);
    for (const std::string& row : sweep_table(*sweep)) std::cout << "  " << row << "\n";
  }
  return kExitOk;
}

}  // namespace

void add_runs_show_command(CLI::App& runs, const ChosenAction& chosen) {
  auto args = std::make_shared<ShowArgs>();
  CLI::App* show = runs.add_subcommand("show", "Show one run");
  add_run_argument(*show, args->run);
  show->add_option("--output,--output-format", args->output,
                   "table, or json (one object with the same fields)")
      ->check(CLI::IsMember({"table", "json"}));
  show->callback([=] { *chosen = [args] { return show_run(*args); }; });
}

}  // namespace jobc::cli
