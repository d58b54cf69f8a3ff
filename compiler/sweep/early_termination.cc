#include "sweep/early_termination.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "support/text.h"
#include "sweep/objective.h"

namespace jobc::sweep {
namespace {

// One trial at one interval N: its best primary metric and its running average over 1..N.
struct Standing {
  double best = 0;
  double average = 0;
};

// A trial's standing at every interval it reached, computed once per call.
std::vector<Standing> standings(Goal goal, const std::vector<double>& primary) {
  std::vector<Standing> out;
  out.reserve(primary.size());
  double best = 0;
  double sum = 0;
  for (size_t i = 0; i < primary.size(); ++i) {
    if (i == 0 || better(goal, primary[i], best)) best = primary[i];
    sum += primary[i];
    out.push_back({best, sum / static_cast<double>(i + 1)});
  }
  return out;
}

// "The frequency for applying the policy", 1 when not written (Azure ML SDK v1's default; the
// v2 SDK sends 0, which can only mean every interval too).
long long evaluation_interval(const model::EarlyTermination& policy) {
  return std::max(1LL, policy.evaluation_interval.value_or(1));
}

// The latest interval up to `reached` that the policy evaluates, 0 when there is none yet:
// "every multiple of evaluation_interval that is greater than or equal to delay_evaluation".
long long judged_interval(const model::EarlyTermination& policy, long long reached) {
  long long interval = evaluation_interval(policy);
  long long latest = reached / interval * interval;
  return latest >= 1 && latest >= policy.delay_evaluation.value_or(0) ? latest : 0;
}

// Bandit: "any training jobs whose best metric at interval 10 is less than 0.66
// (0.8/(1+slack_factor)) will be terminated", 0.8 being the best job's metric at interval 10;
// with slack_amount, "any run with an AUC less than 0.6 (0.8 - 0.2)". The factor's distance is
// taken from |best| so that it stays a distance (and the best trial stays) for negative metrics.
bool bandit_stops(const model::EarlyTermination& policy, Goal goal, double score,
                  const std::vector<Standing>& field) {
  double best = score;
  for (const Standing& other : field) {
    if (better(goal, other.best, best)) best = other.best;
  }
  double factor = policy.slack_factor.value_or(0.0);
  double slack = policy.slack_amount.value_or(0.0);
  if (factor != 0) {
    slack =
        goal == Goal::Maximize ? std::abs(best) * factor / (1 + factor) : std::abs(best) * factor;
  }
  double threshold = goal == Goal::Maximize ? best - slack : best + slack;
  return better(goal, threshold, score);
}

// Median stopping: "a run will be canceled at interval N if its best primary metric reported up
// to interval N is worse than the median of the running averages for intervals 1:N across all
// runs". The docs ask for no minimum number of trials: alone, a trial's best is never worse
// than its own average.
bool median_stops(Goal goal, double score, const std::vector<Standing>& field) {
  std::vector<double> averages;
  for (const Standing& other : field) averages.push_back(other.average);
  std::sort(averages.begin(), averages.end(),
            [goal](double a, double b) { return better(goal, a, b); });
  size_t middle = averages.size() / 2;
  double median =
      averages.size() % 2 == 1 ? averages[middle] : (averages[middle - 1] + averages[middle]) / 2;
  return better(goal, median, score);
}

// Truncation selection: "A job terminates at interval 5 if its performance at interval 5 is in
// the lowest 20% of performance of all jobs at interval 5". The lowest 20% of 4 trials is none:
// the worst of 4 is the lowest 25%.
bool truncation_stops(const model::EarlyTermination& policy, Goal goal, double score,
                      const std::vector<Standing>& field) {
  auto trials = static_cast<long long>(field.size());
  long long cut = std::min(trials, trials * policy.truncation_percentage.value_or(0) / 100);
  if (cut <= 0) return false;
  auto ahead = std::count_if(field.begin(), field.end(), [&](const Standing& other) {
    return better(goal, other.best, score);
  });
  return ahead >= trials - cut;
}

bool stops(const model::EarlyTermination& policy, Goal goal, double score,
           const std::vector<Standing>& field) {
  std::string type = lower(policy.type.value_or(""));
  if (type == "bandit") return bandit_stops(policy, goal, score, field);
  if (type == "median_stopping") return median_stops(goal, score, field);
  if (type == "truncation_selection") return truncation_stops(policy, goal, score, field);
  return false;
}

}  // namespace

std::vector<int> trials_to_terminate(const model::EarlyTermination& policy, Goal goal,
                                     const std::vector<TrialProgress>& trials) {
  std::vector<std::vector<Standing>> series;
  for (const TrialProgress& trial : trials) series.push_back(standings(goal, trial.primary));
  // The trials that reached interval N, each as it stood at N (the trial judged among them).
  std::map<long long, std::vector<Standing>> fields;
  auto field_at = [&](long long interval) -> const std::vector<Standing>& {
    auto [it, added] = fields.try_emplace(interval);
    if (added) {
      for (const auto& standing : series) {
        if (static_cast<long long>(standing.size()) >= interval) {
          it->second.push_back(standing[interval - 1]);
        }
      }
    }
    return it->second;
  };
  std::vector<int> stopped;
  for (size_t i = 0; i < trials.size(); ++i) {
    long long interval = judged_interval(policy, static_cast<long long>(series[i].size()));
    if (!trials[i].running || interval == 0) continue;
    if (stops(policy, goal, series[i][interval - 1].best, field_at(interval))) {
      stopped.push_back(trials[i].trial);
    }
  }
  std::sort(stopped.begin(), stopped.end());
  return stopped;
}

}  // namespace jobc::sweep
