// Early termination as Azure ML's docs define bandit, median stopping and truncation selection,
// each checked on small hand-made series where the documented rule decides.
#include "sweep/early_termination.h"

#include <doctest/doctest.h>

namespace {

using jobc::sweep::Goal;
using jobc::sweep::TrialProgress;
using Stopped = std::vector<int>;

jobc::model::EarlyTermination policy(const std::string& type) {
  jobc::model::EarlyTermination out;
  out.type.value = type;
  return out;
}

jobc::model::EarlyTermination bandit_factor(double slack_factor) {
  auto out = policy("bandit");
  out.slack_factor.value = slack_factor;
  return out;
}

jobc::model::EarlyTermination truncation(long long percentage) {
  auto out = policy("truncation_selection");
  out.truncation_percentage.value = percentage;
  return out;
}

TrialProgress running(int trial, std::vector<double> primary) {
  return {trial, std::move(primary), true};
}

TrialProgress finished(int trial, std::vector<double> primary) {
  return {trial, std::move(primary), false};
}

Stopped stop(const jobc::model::EarlyTermination& policy, Goal goal,
             const std::vector<TrialProgress>& trials) {
  return jobc::sweep::trials_to_terminate(policy, goal, trials);
}

}  // namespace

TEST_SUITE("sweep") {
  TEST_CASE("bandit with slack_factor 0.2 and a best of 0.8 stops the trials below 0.8/1.2") {
    // The docs' example: "less than 0.66 (0.8/(1+slack_factor)) will be terminated".
    std::vector<TrialProgress> trials = {finished(0, {0.8}), running(1, {0.66}), running(2, {0.67}),
                                         running(3, {0.8})};
    CHECK(stop(bandit_factor(0.2), Goal::Maximize, trials) == Stopped{1});
  }

  TEST_CASE("bandit with slack_factor when minimizing stops the trials above best*(1+factor)") {
    std::vector<TrialProgress> trials = {finished(0, {0.5}), running(1, {0.61}),
                                         running(2, {0.59})};
    CHECK(stop(bandit_factor(0.2), Goal::Minimize, trials) == Stopped{1});
  }

  TEST_CASE("bandit with slack_amount allows that absolute distance from the best, either way") {
    auto amount = policy("bandit");
    amount.slack_amount.value = 0.2;
    std::vector<TrialProgress> maximize = {finished(0, {0.8}), running(1, {0.59}),
                                           running(2, {0.61})};
    CHECK(stop(amount, Goal::Maximize, maximize) == Stopped{1});
    std::vector<TrialProgress> minimize = {finished(0, {0.5}), running(1, {0.71}),
                                           running(2, {0.69})};
    CHECK(stop(amount, Goal::Minimize, minimize) == Stopped{1});
  }

  TEST_CASE("bandit with no slack written stops every trial worse than the best") {
    std::vector<TrialProgress> trials = {running(0, {0.8}), running(1, {0.79}), running(2, {0.8})};
    CHECK(stop(policy("bandit"), Goal::Maximize, trials) == Stopped{1});
  }

  TEST_CASE("bandit judges a trial by the best value it logged up to the interval") {
    std::vector<TrialProgress> trials = {finished(0, {0.8, 0.8}), running(1, {0.9, 0.1})};
    CHECK(stop(bandit_factor(0.1), Goal::Maximize, trials).empty());
  }

  TEST_CASE("bandit compares with the others' values up to the same interval only") {
    // Trial 0 reached 0.99 later, but at interval 1 its best was 0.5.
    std::vector<TrialProgress> trials = {finished(0, {0.5, 0.99}), running(1, {0.5})};
    CHECK(stop(bandit_factor(0.1), Goal::Maximize, trials).empty());
    trials[0].primary = {0.99, 0.99};
    CHECK(stop(bandit_factor(0.1), Goal::Maximize, trials) == Stopped{1});
  }

  TEST_CASE("bandit's slack_factor stays a distance for negative metrics, sparing the best") {
    // Best -1.0 and factor 0.25: the allowed distance is 1.0*0.25/1.25 = 0.2.
    std::vector<TrialProgress> trials = {running(0, {-1.0}), running(1, {-1.1}),
                                         running(2, {-1.3})};
    CHECK(stop(bandit_factor(0.25), Goal::Maximize, trials) == Stopped{2});
  }

  TEST_CASE("no policy evaluates before delay_evaluation intervals, and the delay's is the first") {
    auto delayed = bandit_factor(0.1);
    delayed.delay_evaluation.value = 5;
    std::vector<TrialProgress> trials = {finished(0, {0.9, 0.9, 0.9, 0.9, 0.9}),
                                         running(1, {0.1, 0.1, 0.1, 0.1})};
    CHECK(stop(delayed, Goal::Maximize, trials).empty());
    trials[1].primary.push_back(0.1);
    CHECK(stop(delayed, Goal::Maximize, trials) == Stopped{1});
  }

  TEST_CASE("a policy evaluates only multiples of evaluation_interval at or after the delay") {
    auto every_two = bandit_factor(0.1);
    every_two.evaluation_interval.value = 2;
    every_two.delay_evaluation.value = 3;
    std::vector<TrialProgress> trials = {finished(0, {0.9, 0.9, 0.9, 0.9}),
                                         running(1, {0.1, 0.1, 0.1})};
    // Interval 2 is before the delay and 3 is no multiple of 2: nothing is evaluated yet.
    CHECK(stop(every_two, Goal::Maximize, trials).empty());
    trials[1].primary.push_back(0.1);
    CHECK(stop(every_two, Goal::Maximize, trials) == Stopped{1});
  }

  TEST_CASE("a trial past an evaluated interval is judged as it stood at that interval") {
    auto every_three = bandit_factor(0.1);
    every_three.evaluation_interval.value = 3;
    // At interval 3 trial 1's best was 0.1; its 0.9 at interval 4 comes after the evaluation.
    std::vector<TrialProgress> trials = {finished(0, {0.8, 0.8, 0.8, 0.8}),
                                         running(1, {0.1, 0.1, 0.1, 0.9})};
    CHECK(stop(every_three, Goal::Maximize, trials) == Stopped{1});
  }

  TEST_CASE("an evaluation_interval of 0, as the v2 SDK sends it, evaluates every interval") {
    auto zero = bandit_factor(0.1);
    zero.evaluation_interval.value = 0;
    std::vector<TrialProgress> trials = {finished(0, {0.9}), running(1, {0.1})};
    CHECK(stop(zero, Goal::Maximize, trials) == Stopped{1});
  }

  TEST_CASE("finished trials set the best but are never stopped") {
    std::vector<TrialProgress> trials = {finished(0, {0.9}), finished(1, {0.1}), running(2, {0.2})};
    CHECK(stop(bandit_factor(0.1), Goal::Maximize, trials) == Stopped{2});
  }

  TEST_CASE("trials that logged nothing and policies of an unknown type stop nothing") {
    std::vector<TrialProgress> trials = {finished(0, {0.9}), running(1, {})};
    CHECK(stop(bandit_factor(0.1), Goal::Maximize, trials).empty());
    trials[1].primary = {0.1};
    CHECK(stop(policy("hyperband"), Goal::Maximize, trials).empty());
  }

  TEST_CASE("the trials stopped are given by their index in the sweep, in order") {
    std::vector<TrialProgress> trials = {running(7, {0.1}), finished(2, {0.9}), running(4, {0.1})};
    CHECK(stop(bandit_factor(0.1), Goal::Maximize, trials) == Stopped{4, 7});
  }

  TEST_CASE("median stopping stops a trial whose best is worse than the median running average") {
    // Running averages at interval 2: 0.9, 0.6, 0.4, 0.45; median (0.45 + 0.6) / 2 = 0.525.
    std::vector<TrialProgress> trials = {finished(0, {0.9, 0.9}), finished(1, {0.5, 0.7}),
                                         running(2, {0.3, 0.5}), running(3, {0.7, 0.2})};
    CHECK(stop(policy("median_stopping"), Goal::Maximize, trials) == Stopped{2});
  }

  TEST_CASE("median stopping takes the middle running average of an odd number of trials") {
    // Averages 0.9, 0.6, 0.4: the median is 0.6, and trial 2's best 0.59 is worse.
    std::vector<TrialProgress> trials = {finished(0, {0.9, 0.9}), finished(1, {0.5, 0.7}),
                                         running(2, {0.21, 0.59})};
    CHECK(stop(policy("median_stopping"), Goal::Maximize, trials) == Stopped{2});
    trials[2].primary = {0.2, 0.61};
    CHECK(stop(policy("median_stopping"), Goal::Maximize, trials).empty());
  }

  TEST_CASE("median stopping when minimizing stops a best above the median running average") {
    std::vector<TrialProgress> trials = {finished(0, {0.1, 0.1}), finished(1, {0.5, 0.3}),
                                         running(2, {0.6, 0.41})};
    // Averages 0.1, 0.4, 0.505: the median is 0.4 and trial 2's best 0.41 is above it.
    CHECK(stop(policy("median_stopping"), Goal::Minimize, trials) == Stopped{2});
  }

  TEST_CASE("median stopping averages the others over the same intervals only") {
    // At interval 1 trial 0's running average is 0.2, whatever it logged after.
    std::vector<TrialProgress> trials = {finished(0, {0.2, 0.9, 0.9}), running(1, {0.3})};
    CHECK(stop(policy("median_stopping"), Goal::Maximize, trials).empty());
    trials[0].primary = {0.9, 0.9, 0.9};
    CHECK(stop(policy("median_stopping"), Goal::Maximize, trials) == Stopped{1});
  }

  TEST_CASE("median stopping never stops a trial alone: its best is never below its average") {
    std::vector<TrialProgress> trials = {running(0, {0.9, 0.1, 0.1})};
    CHECK(stop(policy("median_stopping"), Goal::Maximize, trials).empty());
  }

  TEST_CASE("truncation selection stops the lowest percentage of the trials at the interval") {
    std::vector<TrialProgress> trials = {running(0, {0.5}), running(1, {0.1}), running(2, {0.3}),
                                         running(3, {0.9}), running(4, {0.7})};
    CHECK(stop(truncation(20), Goal::Maximize, trials) == Stopped{1});
    CHECK(stop(truncation(40), Goal::Maximize, trials) == Stopped{1, 2});
    CHECK(stop(truncation(20), Goal::Minimize, trials) == Stopped{3});
  }

  TEST_CASE("truncation selection rounds the number of trials it cuts down") {
    std::vector<TrialProgress> trials = {running(0, {0.5}), running(1, {0.1}), running(2, {0.3}),
                                         running(3, {0.9})};
    // 20% of 4 trials is 0.8 of one: none is in the lowest 20%; the worst is the lowest 25%.
    CHECK(stop(truncation(20), Goal::Maximize, trials).empty());
    CHECK(stop(truncation(25), Goal::Maximize, trials) == Stopped{1});
    // 49% of 4 is 1.96: one trial.
    CHECK(stop(truncation(49), Goal::Maximize, trials) == Stopped{1});
  }

  TEST_CASE("truncation selection stops no trial that ties with one it keeps") {
    std::vector<TrialProgress> trials = {running(0, {0.5}), running(1, {0.1}), running(2, {0.1}),
                                         running(3, {0.9}), running(4, {0.7})};
    CHECK(stop(truncation(20), Goal::Maximize, trials).empty());
    CHECK(stop(truncation(40), Goal::Maximize, trials) == Stopped{1, 2});
  }

  TEST_CASE(
      "truncation selection counts finished trials in the lowest places but never stops them") {
    std::vector<TrialProgress> trials = {running(0, {0.5}), finished(1, {0.1}), running(2, {0.3}),
                                         running(3, {0.9}), running(4, {0.7})};
    CHECK(stop(truncation(20), Goal::Maximize, trials).empty());
    CHECK(stop(truncation(40), Goal::Maximize, trials) == Stopped{2});
  }

  TEST_CASE("truncation selection ranks a young trial against the others at its own interval") {
    // At interval 1 trial 0 stood at 0.2, below the young trial 1, whatever it logged later.
    std::vector<TrialProgress> trials = {finished(0, {0.2, 0.9}), running(1, {0.3}),
                                         finished(2, {0.8, 0.8}), finished(3, {0.6, 0.6})};
    CHECK(stop(truncation(25), Goal::Maximize, trials).empty());
    trials[0].primary = {0.4, 0.9};
    CHECK(stop(truncation(25), Goal::Maximize, trials) == Stopped{1});
  }
}
