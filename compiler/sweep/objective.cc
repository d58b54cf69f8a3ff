#include "sweep/objective.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "support/text.h"

namespace jobc::sweep {

Goal goal_of(const model::Objective& objective) {
  return iequals(objective.goal.value_or(""), "maximize") ? Goal::Maximize : Goal::Minimize;
}

bool better(Goal goal, double a, double b) {
  if (std::isnan(a)) return false;
  if (std::isnan(b)) return true;
  return goal == Goal::Maximize ? a > b : a < b;
}

std::optional<double> best_value(Goal goal, std::span<const double> values) {
  if (values.empty()) return std::nullopt;
  double best = values.front();
  for (double value : values.subspan(1)) {
    if (better(goal, value, best)) best = value;
  }
  return best;
}

std::vector<int> best_first(Goal goal, const std::vector<std::optional<double>>& values) {
  std::vector<int> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    if (!values[a] || !values[b]) return values[a].has_value() && !values[b].has_value();
    return better(goal, *values[a], *values[b]);
  });
  return order;
}

}  // namespace jobc::sweep
