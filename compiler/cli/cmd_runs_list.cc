// `jobc runs list`: the runs, newest first, filtered by experiment, status and age.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <optional>
#include <string_view>

#include "cli/cmd_runs.h"
#include "cli/run_json.h"
#include "cli/time_arguments.h"
#include "runs/tracking/metrics_store.h"
#include "runs/unrecorded_runs.h"
#include "support/text.h"

namespace jobc::cli {
namespace {

struct ListArgs {
  std::string experiment;
  std::string status;
  std::string since;
  size_t limit = 0;
  std::string output = "table";
  std::string sort;  // "metrics.KEY [asc|desc]"
  bool trials = false;
};

// --sort "metrics.KEY [asc|desc]": the metric and the direction; nullopt when malformed.
struct MetricOrder {
  std::string key;
  bool descending = false;
};
std::optional<MetricOrder> parse_sort(const std::string& text) {
  std::string spec = trim(text);
  MetricOrder order;
  auto space = spec.rfind(' ');
  if (space != std::string::npos) {
    std::string direction = lower(trim(spec.substr(space + 1)));
    if (direction != "asc" && direction != "desc") return std::nullopt;
    order.descending = direction == "desc";
    spec = trim(spec.substr(0, space));
  }
  if (!spec.starts_with("metrics.") || spec.size() == 8) return std::nullopt;
  order.key = spec.substr(8);
  return order;
}

// What the NAME column shows: the display name, else a name the user gave (not the id).
std::string shown_name(const RunRecord& run) {
  if (!run.display_name.empty()) return run.display_name;
  return run.name == run.id ? "" : run.name;
}

// Columns are as wide as their longest value, so a long name never shifts the ones after it.
// `metric`: the values of the metric the runs are sorted by, shown as a last column.
void print_table(const std::vector<RunRecord>& runs, const std::string& metric_key,
                 const std::map<std::string, double>& metric) {
  size_t id_width = 2, name_width = 12, experiment_width = 10;
  for (const RunRecord& run : runs) {
    id_width = std::max(id_width, run.id.size());
    name_width = std::max(name_width, shown_name(run).size());
    experiment_width = std::max(experiment_width, run.experiment.size());
  }
  auto row = [&](std::string_view id, std::string_view name, std::string_view experiment,
                 std::string_view status, std::string_view created, std::string_view duration,
                 std::string_view backend, std::string_view value) {
    std::string line =
        fmt::format("{:<{}}  {:<{}}  {:<{}}  {:<10} {:<21} {:>9} {:<8}", id, id_width, name,
                    name_width, experiment, experiment_width, status, created, duration, backend);
    if (!metric_key.empty()) line += fmt::format(" {}", value);
    std::cout << trim(line) << "\n";
  };
  row("ID", "DISPLAY NAME", "EXPERIMENT", "STATUS", "CREATED", "DURATION", "BACKEND", metric_key);
  int64_t now = now_ms();
  for (const RunRecord& run : runs) {
    auto duration = run_duration_ms(run, now);
    auto value = metric.find(run.id);
    row(run.id, shown_name(run), run.experiment, status_name(run.status), iso_time(run.created_ms),
        duration ? format_duration(*duration) : "", run.backend,
        value == metric.end() ? "" : fmt::format("{:.6g}", value->second));
  }
}

int list_runs(const ListArgs& args) {
  RunFilter filter;
  filter.experiment = args.experiment;
  filter.limit = args.limit;
  filter.top_level = !args.trials;
  if (!args.status.empty()) {
    filter.status = parse_status(args.status);
    if (!filter.status) {
      std::cerr << "jobc runs list: unknown status '" << args.status
                << "' (Queued, Running, Completed, Failed, Canceled)\n";
      return kExitUsage;
    }
  }
  if (!args.since.empty()) {
    auto since = parse_time_ms(args.since, now_ms());
    if (!since) {
      std::cerr << "jobc runs list: --since '" << args.since
                << "' is neither a duration (30m, 2h, 3d, 1w) nor a date (2026-11-30, "
                   "2026-11-30T12:00, UTC)\n";
      return kExitUsage;
    }
    filter.created_since_ms = *since;
  }
  std::optional<MetricOrder> order;
  if (!args.sort.empty() && !(order = parse_sort(args.sort))) {
    std::cerr << "jobc runs list: --sort '" << args.sort
              << "' is not metrics.KEY, optionally followed by asc or desc (--sort "
                 "'metrics.loss asc')\n";
    return kExitUsage;
  }
  auto store = open_runs_store();
  if (!store) return kExitUsage;
  // A limit applies after sorting by a metric: the best runs, not the newest.
  if (order) filter.limit = 0;
  Result<std::vector<RunRecord>> listed = store->list(filter);
  if (!listed) {
    std::cerr << "jobc runs list: " << listed.error().message << "\n";
    return kExitUsage;
  }
  std::vector<RunRecord>& runs = *listed;
  // The store read fine just above: a second read that fails only leaves out the warnings.
  auto unrecorded = unrecorded_run_folders(*store);
  for (const std::filesystem::path& folder :
       unrecorded ? *unrecorded : std::vector<std::filesystem::path>()) {
    std::cerr << "jobc runs list: warning: " << folder.string()
              << " has no record in runs.db (not listed; remove it if it is not needed)\n";
  }
  std::map<std::string, double> metric;
  if (order) {
    auto metrics = MetricsStore::open(store->home());
    auto values = metrics ? (*metrics)->latest_of_every_run(order->key)
                          : Result<std::map<std::string, double>>(metrics.error());
    if (!values) {
      std::cerr << "jobc runs list: " << values.error().message << "\n";
      return kExitUsage;
    }
    metric = std::move(*values);
    // Runs that did not log the metric (or logged NaN) come last, newest first as before.
    auto rank = [&](const RunRecord& run) -> std::optional<double> {
      auto found = metric.find(run.id);
      if (found == metric.end() || std::isnan(found->second)) return std::nullopt;
      return order->descending ? -found->second : found->second;
    };
    std::stable_sort(runs.begin(), runs.end(), [&](const RunRecord& a, const RunRecord& b) {
      auto left = rank(a), right = rank(b);
      if (!left || !right) return left.has_value() && !right.has_value();
      return *left < *right;
    });
    if (args.limit > 0 && runs.size() > args.limit) runs.resize(args.limit);
  }
  if (args.output == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const RunRecord& run : runs) out.push_back(run_json(run, store->run_dir(run.id)));
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return kExitOk;
  }
  print_table(runs, order ? "metrics." + order->key : "", metric);
  return kExitOk;
}

}  // namespace

void add_runs_list_command(CLI::App& runs, const ChosenAction& chosen) {
  auto args = std::make_shared<ListArgs>();
  CLI::App* list = runs.add_subcommand("list", "List runs, newest first");
  list->add_option("--experiment", args->experiment, "only this experiment");
  list->add_option("--status", args->status, "only runs in this status")
      ->check(CLI::IsMember({"Queued", "Running", "Completed", "Failed", "Canceled"},
                            CLI::ignore_case));
  list->add_option("--since", args->since,
                   "only runs created since then: a duration ago (30m, 2h, 3d, 1w) or a UTC "
                   "date or time (2026-11-30, 2026-11-30T12:00)");
  list->add_option("--limit", args->limit, "at most this many runs, the newest")
      ->check(CLI::PositiveNumber);
  list->add_flag("--trials", args->trials,
                 "list sweeps' trials too (jobc runs show SWEEP lists one sweep's)");
  list->add_option("--sort", args->sort,
                   "order by a metric's last value: 'metrics.KEY' (ascending), or "
                   "'metrics.KEY desc'; runs without it last");
  list->add_option("--output,--output-format", args->output,
                   "table, or json (an array of what runs show prints)")
      ->check(CLI::IsMember({"table", "json"}));
  list->callback([=] { *chosen = [args] { return list_runs(*args); }; });
}

}  // namespace jobc::cli
