// Bayesian sampling (a Tree-structured Parzen Estimator): it finds better values than random
// sampling on a known function, learns which choice is better, follows the goal, repeats
// itself for a seed, refuses what Azure ML's refuses, and stays cheap.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <functional>

#include "sweep/draw_trials.h"
#include "sweep/sweep_from_yaml.h"

namespace {

using jobc::sweep::Goal;
using jobc::sweep::Parameters;
using jobc::testing::member;
using jobc::testing::sampler_for;
using jobc::testing::sweep_from_yaml;

const char* kSquare =
    "search_space:\n"
    "  x:\n    type: uniform\n    min_value: -1\n    max_value: 1\n"
    "  y:\n    type: uniform\n    min_value: -1\n    max_value: 1\n";

double bowl(const Parameters& trial) {
  double x = member(trial, "x").number, y = member(trial, "y").number;
  return (x - 0.3) * (x - 0.3) + (y + 0.2) * (y + 0.2);
}

// The best value of `f` over `trials` trials, each reported to the sampler as it finishes.
double best_found(jobc::sweep::Sampler& sampler, const std::function<double(const Parameters&)>& f,
                  int trials, Goal goal = Goal::Minimize) {
  double best = goal == Goal::Minimize ? 1e300 : -1e300;
  for (int i = 0; i < trials; ++i) {
    auto trial = sampler.next();
    REQUIRE(trial.has_value());
    double value = f(*trial);
    sampler.observe(*trial, value);
    best = goal == Goal::Minimize ? std::min(best, value) : std::max(best, value);
  }
  return best;
}

}  // namespace

TEST_SUITE("sweep") {
  TEST_CASE("bayesian finds lower values than random on a bowl, over 10 seeds of 40 trials") {
    auto bayesian = sweep_from_yaml(kSquare, "sampling_algorithm: bayesian\n");
    auto random = sweep_from_yaml(kSquare, "sampling_algorithm: random\n");
    double bayesian_total = 0, random_total = 0;
    int bayesian_wins = 0;
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
      double b = best_found(*sampler_for(bayesian, Goal::Minimize, seed), bowl, 40);
      double r = best_found(*sampler_for(random, Goal::Minimize, seed), bowl, 40);
      bayesian_total += b;
      random_total += r;
      if (b < r) ++bayesian_wins;
    }
    MESSAGE("mean best: bayesian " << bayesian_total / 10 << ", random " << random_total / 10
                                   << "; bayesian better for " << bayesian_wins << " seeds");
    CHECK(bayesian_total < 0.5 * random_total);
    CHECK(bayesian_wins >= 7);
  }

  TEST_CASE("only bayesian says it learns from results, so only it is sampled a batch at a time") {
    for (const char* algorithm : {"grid", "random", "{type: random, rule: sobol}", "bayesian"}) {
      CAPTURE(algorithm);
      auto job = sweep_from_yaml(
          "search_space:\n"
          "  opt:\n    type: choice\n    values: [sgd, adam]\n",
          std::string("sampling_algorithm: ") + algorithm + "\n");
      auto sampler = sampler_for(job, Goal::Minimize, 3);
      CHECK(sampler->learns_from_results() == (std::string(algorithm) == "bayesian"));
    }
  }

  TEST_CASE("bayesian learns which choice item is better") {
    auto job = sweep_from_yaml(
        "search_space:\n"
        "  opt:\n    type: choice\n    values: [sgd, adam, rmsprop]\n"
        "  lr:\n    type: uniform\n    min_value: 0\n    max_value: 1\n",
        "sampling_algorithm: bayesian\n");
    auto sampler = sampler_for(job, Goal::Minimize, 11);
    int adam_late = 0;
    for (int i = 0; i < 40; ++i) {
      auto trial = sampler->next();
      REQUIRE(trial.has_value());
      bool adam = member(*trial, "opt").text == "adam";
      if (i >= 20 && adam) ++adam_late;
      double lr = member(*trial, "lr").number;
      sampler->observe(*trial, (adam ? 0 : 1) + (lr - 0.5) * (lr - 0.5));
    }
    CHECK(adam_late >= 14);  // random would pick it about 7 times in 20
  }

  TEST_CASE("bayesian maximizing a metric proposes what it proposes minimizing its negation") {
    auto job = sweep_from_yaml(kSquare, "sampling_algorithm: bayesian\n");
    auto low = sampler_for(job, Goal::Minimize, 4);
    auto high = sampler_for(job, Goal::Maximize, 4);
    for (int i = 0; i < 25; ++i) {
      auto a = low->next();
      auto b = high->next();
      REQUIRE((a && b));
      REQUIRE(a->python_str() == b->python_str());
      low->observe(*a, bowl(*a));
      high->observe(*b, -bowl(*b));
    }
  }

  TEST_CASE("bayesian with the same seed and results gives the same trials, another seed others") {
    auto job = sweep_from_yaml(kSquare, "sampling_algorithm: bayesian\n");
    auto run = [&](std::uint64_t seed) {
      auto sampler = sampler_for(job, Goal::Minimize, seed);
      std::vector<std::string> out;
      for (int i = 0; i < 25; ++i) {
        auto trial = sampler->next();
        out.push_back(trial->python_str());
        sampler->observe(*trial, bowl(*trial));
      }
      return out;
    };
    auto first = run(8);
    auto other = run(9);
    CHECK(first == run(8));
    CHECK(first != other);
    // Past the random start too.
    CHECK(std::vector<std::string>(first.begin() + 15, first.end()) !=
          std::vector<std::string>(other.begin() + 15, other.end()));
  }

  TEST_CASE("bayesian over a loguniform parameter is an error, as in Azure ML") {
    auto job = sweep_from_yaml(
        "search_space:\n  lr:\n    type: loguniform\n    min_value: -5\n    max_value: 0\n",
        "sampling_algorithm: bayesian\n");
    auto made = jobc::sweep::make_sampler(job, Goal::Minimize, 1);
    REQUIRE(!made.ok());
    CHECK(made.error().message.find("'lr' is loguniform") != std::string::npos);
  }

  TEST_CASE("bayesian ignores results of trials that are not of its space") {
    auto job = sweep_from_yaml(kSquare, "sampling_algorithm: bayesian\n");
    auto plain = sampler_for(job, Goal::Minimize, 2);
    auto fed = sampler_for(job, Goal::Minimize, 2);
    jobc::model::Value stranger = jobc::sweep::Parameters{};
    stranger.kind = jobc::model::Value::Kind::Map;
    for (int i = 0; i < 20; ++i) fed->observe(stranger, 0.0);
    CHECK(plain->next()->python_str() == fed->next()->python_str());
  }

  TEST_CASE("bayesian proposes a trial in well under 10 ms after 200 results") {
    auto job = sweep_from_yaml(
        "search_space:\n"
        "  a:\n    type: uniform\n    min_value: 0\n    max_value: 1\n"
        "  b:\n    type: quniform\n    min_value: 0\n    max_value: 100\n    q: 1\n"
        "  c:\n    type: choice\n    values: [1, 2, 3, 4]\n"
        "  d:\n    type: uniform\n    min_value: -5\n    max_value: 5\n",
        "sampling_algorithm: bayesian\n");
    auto sampler = sampler_for(job, Goal::Minimize, 3);
    for (int i = 0; i < 200; ++i) {
      auto trial = sampler->next();
      sampler->observe(*trial, member(*trial, "a").number * member(*trial, "d").number);
    }
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 20; ++i) CHECK(sampler->next().has_value());
    auto each = (std::chrono::steady_clock::now() - start) / 20;
    MESSAGE("one proposal: " << std::chrono::duration<double, std::milli>(each).count() << " ms");
    CHECK(each < std::chrono::milliseconds(5));
  }
}
