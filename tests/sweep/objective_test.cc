// The sweep's objective: better values for each goal, a trial's value, trials best first.
#include "sweep/objective.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

namespace {

using jobc::sweep::Goal;
using Values = std::vector<std::optional<double>>;

const double not_a_number = std::numeric_limits<double>::quiet_NaN();

}  // namespace

TEST_SUITE("sweep") {
  TEST_CASE(
      "the goal is read from the objective in any case, and anything but maximize minimizes") {
    jobc::model::Objective objective;
    objective.goal.value = "Maximize";
    CHECK(jobc::sweep::goal_of(objective) == Goal::Maximize);
    objective.goal.value = "minimize";
    CHECK(jobc::sweep::goal_of(objective) == Goal::Minimize);
  }

  TEST_CASE("a higher value is better when maximizing and a lower one when minimizing") {
    CHECK(jobc::sweep::better(Goal::Maximize, 0.9, 0.8));
    CHECK_FALSE(jobc::sweep::better(Goal::Maximize, 0.8, 0.9));
    CHECK(jobc::sweep::better(Goal::Minimize, 0.8, 0.9));
    CHECK_FALSE(jobc::sweep::better(Goal::Minimize, 0.9, 0.8));
  }

  TEST_CASE("equal values are not better than each other") {
    CHECK_FALSE(jobc::sweep::better(Goal::Maximize, 0.5, 0.5));
    CHECK_FALSE(jobc::sweep::better(Goal::Minimize, 0.5, 0.5));
  }

  TEST_CASE("NaN is worse than every number for either goal") {
    for (Goal goal : {Goal::Maximize, Goal::Minimize}) {
      CHECK(jobc::sweep::better(goal, -1e300, not_a_number));
      CHECK(jobc::sweep::better(goal, 1e300, not_a_number));
      CHECK_FALSE(jobc::sweep::better(goal, not_a_number, 0.0));
      CHECK_FALSE(jobc::sweep::better(goal, not_a_number, not_a_number));
    }
  }

  TEST_CASE("a trial's value is the best it logged, not the last") {
    std::vector<double> logged = {0.3, 0.9, 0.5};
    CHECK(jobc::sweep::best_value(Goal::Maximize, logged) == 0.9);
    CHECK(jobc::sweep::best_value(Goal::Minimize, logged) == 0.3);
  }

  TEST_CASE("a trial that logged nothing has no value, and a NaN never beats a number") {
    CHECK_FALSE(jobc::sweep::best_value(Goal::Maximize, {}).has_value());
    std::vector<double> diverged = {not_a_number, 0.4, not_a_number};
    CHECK(jobc::sweep::best_value(Goal::Minimize, diverged) == 0.4);
    std::vector<double> only_nan = {not_a_number};
    CHECK(std::isnan(*jobc::sweep::best_value(Goal::Maximize, only_nan)));
  }

  TEST_CASE("trials are ranked best first for the goal, the earlier trial first among equals") {
    Values values = {0.5, 0.9, 0.1, 0.5};
    CHECK(jobc::sweep::best_first(Goal::Maximize, values) == std::vector<int>{1, 0, 3, 2});
    CHECK(jobc::sweep::best_first(Goal::Minimize, values) == std::vector<int>{2, 0, 3, 1});
  }

  TEST_CASE("among many equal values the trials keep their order") {
    Values values;
    for (int i = 0; i < 40; ++i) values.push_back(i % 2 == 0 ? 0.5 : 0.25);
    std::vector<int> expected;
    for (int i = 0; i < 40; i += 2) expected.push_back(i);
    for (int i = 1; i < 40; i += 2) expected.push_back(i);
    CHECK(jobc::sweep::best_first(Goal::Maximize, values) == expected);
  }

  TEST_CASE("trials without a value come last in trial order, for either goal") {
    Values values = {std::nullopt, 0.2, std::nullopt, 0.7};
    CHECK(jobc::sweep::best_first(Goal::Maximize, values) == std::vector<int>{3, 1, 0, 2});
    CHECK(jobc::sweep::best_first(Goal::Minimize, values) == std::vector<int>{1, 3, 0, 2});
  }

  TEST_CASE("a trial whose value is NaN ranks after every number but before no value") {
    Values values = {std::nullopt, not_a_number, 0.1};
    CHECK(jobc::sweep::best_first(Goal::Minimize, values) == std::vector<int>{2, 1, 0});
  }
}
