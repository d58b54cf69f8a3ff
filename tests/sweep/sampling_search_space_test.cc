// The search space as the samplers see it: one coordinate per parameter, nested ones
// included, and a trial located back at a point that gives it again (how the Bayesian
// sampler learns from a trial's parameters).
#include <doctest/doctest.h>

#include "sweep/draw_trials.h"
#include "sweep/search_space.h"
#include "sweep/sweep_from_yaml.h"

namespace {

using jobc::model::Value;
using jobc::sweep::SearchSpace;
using jobc::testing::member;
using jobc::testing::sweep_from_yaml;

const char* kNested =
    "search_space:\n"
    "  model:\n"
    "    type: choice\n"
    "    values:\n"
    "      - kind: svm\n"
    "        c:\n          type: uniform\n          min_value: 1\n          max_value: 2\n"
    "      - kind: tree\n"
    "        depth:\n          type: randint\n          upper: 4\n"
    "  lr:\n    type: quniform\n    min_value: 0\n    max_value: 1\n    q: 0.25\n"
    "  act:\n    type: choice\n    values: [relu, 1, 1.0]\n";

SearchSpace space_of(const char* yaml) {
  auto job = sweep_from_yaml(yaml);
  auto space = SearchSpace::build(job.search_space, 2.718281828459045);
  REQUIRE(space.ok());
  return std::move(*space);
}

}  // namespace

TEST_SUITE("sweep") {
  TEST_CASE("every parameter of a search space, nested ones included, has its own coordinate") {
    SearchSpace space = space_of(kNested);
    REQUIRE(space.dimensions() == 5);
    // Depth first, by name: act, lr, model, then model's nested c and depth.
    CHECK(space.at_coordinate(0).name == "act");
    CHECK(space.at_coordinate(1).name == "lr");
    CHECK(space.at_coordinate(2).name == "model");
    CHECK(space.at_coordinate(3).name == "c");
    CHECK(space.at_coordinate(4).name == "depth");
  }

  TEST_CASE("a trial uses the coordinates of the nested space it chose, not the other's") {
    SearchSpace space = space_of(kNested);
    std::vector<bool> active;
    auto trial = space.trial_at({0.1, 0.5, 0.2, 0.5, 0.9}, &active);  // model: the svm item
    CHECK(member(trial, "kind").text == "svm");
    CHECK(active == std::vector<bool>{true, true, true, true, false});
    trial = space.trial_at({0.1, 0.5, 0.7, 0.5, 0.9}, &active);  // the tree item
    CHECK(member(trial, "depth").integer == 3);
    CHECK(active == std::vector<bool>{true, true, true, false, true});
  }

  TEST_CASE("a trial located in its space gives the same trial back") {
    SearchSpace space = space_of(kNested);
    for (double a : {0.1, 0.5, 0.9}) {
      for (double m : {0.2, 0.7}) {
        std::vector<bool> active;
        auto trial = space.trial_at({a, 0.4, m, 0.3, 0.6}, &active);
        auto point = space.locate(trial);
        REQUIRE(point.has_value());
        CHECK(point->active == active);
        auto again = space.trial_at(point->u);
        REQUIRE(again.members.size() == trial.members.size());
        for (std::size_t i = 0; i < trial.members.size(); ++i) {
          const Value& x = trial.members[i].second;
          const Value& y = again.members[i].second;
          CHECK(trial.members[i].first == again.members[i].first);
          CHECK(x.kind == y.kind);
          CHECK(x.python_str() == y.python_str());
        }
      }
    }
  }

  TEST_CASE("a trial with a value no choice item equals is not located") {
    SearchSpace space = space_of(kNested);
    auto trial = space.trial_at({0.5, 0.4, 0.2, 0.3, 0.6});
    REQUIRE(member(trial, "act").kind == Value::Kind::Int);
    for (auto& m : trial.members) {
      if (m.first != "act") continue;
      m.second.kind = Value::Kind::Float;  // 2.0: none of relu, 1 and 1.0
      m.second.number = 2.0;
    }
    CHECK(!space.locate(trial).has_value());
  }
}
