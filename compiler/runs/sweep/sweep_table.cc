#include "runs/sweep/sweep_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

namespace jobc {
namespace {

bool maximizes(const SweepRecord& record) {
  return record.goal == "maximize";
}

}  // namespace

std::vector<const TrialRecord*> trials_best_first(const SweepRecord& record) {
  std::vector<const TrialRecord*> trials;
  for (const TrialRecord& trial : record.trials) trials.push_back(&trial);
  auto has = [](const TrialRecord* t) { return t->metric && !std::isnan(*t->metric); };
  std::stable_sort(trials.begin(), trials.end(), [&](const TrialRecord* a, const TrialRecord* b) {
    if (has(a) != has(b)) return has(a);
    if (!has(a)) return false;
    return maximizes(record) ? *a->metric > *b->metric : *a->metric < *b->metric;
  });
  return trials;
}

namespace {

std::string parameter_text(const nlohmann::json& parameters) {
  std::string text;
  for (const auto& [name, value] : parameters.items()) {
    text += (text.empty() ? "" : " ") + name + "=" +
            (value.is_string() ? value.get<std::string>() : value.dump());
  }
  return text;
}

std::string status_text(const TrialRecord& trial) {
  if (!trial.early_terminated.empty()) return "Stopped*";  // * early terminated
  return trial.status;
}

size_t run_width(const SweepRecord& record) {
  size_t width = 3;
  for (const TrialRecord& trial : record.trials) width = std::max(width, trial.run_id.size());
  return width;
}

std::string metric_text(const TrialRecord& trial) {
  return trial.metric ? fmt::format("{:.6g}", *trial.metric) : "-";
}

}  // namespace

std::string trial_line(const SweepRecord& record, const TrialRecord& trial) {
  std::string best = !record.best_trial.empty() && trial.run_id == record.best_trial ? "best" : "";
  return fmt::format("{:>5}  {:<10} {:>12}  {:<4}  {:<{}}  {}", trial.index, status_text(trial),
                     metric_text(trial), best, trial.run_id, run_width(record),
                     parameter_text(trial.parameters));
}

std::vector<std::string> sweep_table(const SweepRecord& record, size_t limit) {
  std::vector<std::string> rows;
  rows.push_back(fmt::format("{:>5}  {:<10} {:>12}  {:<4}  {:<{}}  {}", "TRIAL", "STATUS",
                             record.primary_metric.substr(0, 12), "", "RUN", run_width(record),
                             "PARAMETERS"));
  std::vector<const TrialRecord*> trials = trials_best_first(record);
  size_t shown = 0, hidden = 0;
  for (const TrialRecord* trial : trials) {
    bool running = trial->status == "Running" || trial->status == "Queued";
    if (limit > 0 && shown >= limit && !running) {
      ++hidden;
      continue;
    }
    rows.push_back(trial_line(record, *trial));
    ++shown;
  }
  if (hidden > 0) rows.push_back(fmt::format("       ... {} more (jobc runs show)", hidden));
  bool marked = std::any_of(record.trials.begin(), record.trials.end(),
                            [](const TrialRecord& t) { return !t.early_terminated.empty(); });
  if (marked) rows.push_back("       * stopped by the early termination policy");
  return rows;
}

std::string best_trial_line(const SweepRecord& record) {
  for (const TrialRecord& trial : record.trials) {
    if (record.best_trial.empty() || trial.run_id != record.best_trial) continue;
    return fmt::format("best trial: {} (run {}), {} {}: {}", trial.index, trial.run_id,
                       record.primary_metric, metric_text(trial), parameter_text(trial.parameters));
  }
  return "";
}

void follow_sweep(const std::filesystem::path& run_dir, std::ostream& out, size_t columns,
                  const std::function<bool()>& ended,
                  const volatile std::sig_atomic_t* interrupted) {
  size_t drawn = 0;                 // lines of the table on the terminal now
  std::map<int, std::string> seen;  // each trial's status as last printed
  bool terminal = columns > 0;
  auto show = [&](const SweepRecord& record) {
    if (terminal) {
      if (drawn > 0) out << fmt::format("\x1b[{}A\x1b[J", drawn);  // back over the last table
      std::vector<std::string> rows = sweep_table(record, 20);
      for (const std::string& row : rows) out << row.substr(0, columns - 1) << "\n";
      drawn = rows.size();
    } else {
      for (const TrialRecord& trial : record.trials) {
        std::string status = status_text(trial);
        auto& last = seen[trial.index];
        if (last == status) continue;
        last = status;
        out << "trial " << trial_line(record, trial) << "\n";
      }
    }
    out.flush();
  };
  std::string last_text;
  while (true) {
    bool over = ended() || *interrupted;
    auto record = read_sweep_record(run_dir);
    if (record) {
      std::string text = sweep_record_json(*record).dump();
      if (text != last_text) {
        last_text = text;
        show(*record);
      }
    }
    if (over) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace jobc
