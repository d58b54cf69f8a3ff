// `jobc runs metrics RUN [KEY...]`: the series a run logged with MLflow's API, every point by
// step, as a table, CSV or JSON. Points stream from the store to stdout: a long series is never
// held in memory.
#include <fmt/compile.h>
#include <fmt/format.h>

#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/cmd_runs.h"
#include "cli/run_json.h"
#include "runs/tracking/metrics_store.h"
#include "support/did_you_mean.h"

namespace jobc::cli {
namespace {

struct MetricsArgs {
  std::string run;
  std::vector<std::string> keys;
  std::string output = "table";
};

// A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string number_text(double value) {
  nlohmann::json json = metric_value_json(value);
  return json.is_string() ? json.get<std::string>() : fmt::format("{}", value);
}

// number_text() appended to `out` without a string of its own (one per point of a long series).
void append_number(fmt::memory_buffer& out, double value) {
  if (std::isfinite(value)) {
    fmt::format_to(fmt::appender(out), FMT_COMPILE("{}"), value);
  } else {
    std::string text = number_text(value);
    out.append(text.data(), text.data() + text.size());
  }
}

// Output in blocks: a stream write per field cost more than reading the point from SQLite.
constexpr size_t kOutputBlock = 64 << 10;

int print_metrics(const MetricsArgs& args) {
  auto store = open_runs_store();
  if (!store) return kExitUsage;
  auto run = find_run(*store, args.run, "metrics");
  if (!run) return kExitUsage;
  auto metrics = MetricsStore::open(store->home());
  if (!metrics) {
    std::cerr << "jobc runs metrics: " << metrics.error().message << "\n";
    return kExitUsage;
  }
  auto latest = (*metrics)->latest(run->id);
  if (!latest) {
    std::cerr << "jobc runs metrics: " << latest.error().message << "\n";
    return kExitUsage;
  }
  std::vector<std::string> logged;
  for (const MetricPoint& point : *latest) logged.push_back(point.key);
  std::vector<std::string> keys = args.keys.empty() ? logged : args.keys;
  for (const std::string& key : args.keys) {
    if (std::find(logged.begin(), logged.end(), key) != logged.end()) continue;
    std::cerr << fmt::format("jobc runs metrics: run {} logged no metric '{}'", run->id, key);
    if (auto near = closest_match(key, logged))
      std::cerr << fmt::format("; did you mean '{}'?", *near);
    std::cerr << (logged.empty() ? " (it logged no metric)\n" : "\n");
    return kExitUsage;
  }
  if (args.output == "csv") std::cout << "key,step,value,timestamp_ms\n";
  if (args.output == "table") {
    std::cout << fmt::format("{:<24} {:>8} {:>14}  {}\n", "KEY", "STEP", "VALUE", "TIME");
  }
  if (args.output == "json") std::cout << "{";
  bool first_key = true;
  for (const std::string& key : keys) {
    if (args.output == "json") {
      std::cout << (first_key ? "\n  " : ",\n  ") << nlohmann::json(key).dump() << ": [";
    }
    first_key = false;
    bool first_point = true;
    const std::string csv_key = csv_field(key);
    fmt::memory_buffer block;
    auto write_block = [&] {
      std::cout.write(block.data(), static_cast<std::streamsize>(block.size()));
      block.clear();
      return static_cast<bool>(std::cout);
    };
    Status read = (*metrics)->history(run->id, key, [&](const MetricPoint& point) {
      fmt::appender out(block);
      if (args.output == "csv") {
        fmt::format_to(out, FMT_COMPILE("{},{},"), csv_key, point.step);
        append_number(block, point.value);
        fmt::format_to(out, FMT_COMPILE(",{}\n"), point.timestamp_ms);
      } else if (args.output == "json") {
        nlohmann::json entry = {{"step", point.step},
                                {"value", metric_value_json(point.value)},
                                {"timestamp_ms", point.timestamp_ms}};
        fmt::format_to(out, "{}{}", first_point ? "\n    " : ",\n    ", entry.dump());
      } else {
        std::string shown = std::isfinite(point.value) ? fmt::format("{:.6g}", point.value)
                                                       : number_text(point.value);
        fmt::format_to(out, "{:<24} {:>8} {:>14}  {}\n", key, point.step, shown,
                       iso_time(point.timestamp_ms));
      }
      first_point = false;
      return block.size() < kOutputBlock || write_block();  // false: stdout closed
    });
    write_block();
    if (!read) {
      std::cerr << "jobc runs metrics: " << read.error().message << "\n";
      return kExitUsage;
    }
    if (args.output == "json") std::cout << (first_point ? "]" : "\n  ]");
  }
  if (args.output == "json") std::cout << (keys.empty() ? "}\n" : "\n}\n");
  return kExitOk;
}

}  // namespace

void add_runs_metrics_command(CLI::App& runs, const ChosenAction& chosen) {
  auto args = std::make_shared<MetricsArgs>();
  CLI::App* metrics = runs.add_subcommand(
      "metrics", "Print the metrics a run logged (MLflow's log_metric), by step");
  add_run_argument(*metrics, args->run);
  metrics->add_option("KEY", args->keys, "only these metrics (default: all)");
  metrics
      ->add_option("--output,--output-format", args->output,
                   "table, csv (key,step,value,timestamp_ms) or json ({key: [points]})")
      ->check(CLI::IsMember({"table", "csv", "json"}));
  metrics->callback([=] { *chosen = [args] { return print_metrics(*args); }; });
}

}  // namespace jobc::cli
