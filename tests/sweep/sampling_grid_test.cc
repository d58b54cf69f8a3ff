// Grid sampling: every combination of the choices, nested ones expanded, once, then no more.
#include <doctest/doctest.h>

#include "sweep/draw_trials.h"
#include "sweep/sweep_from_yaml.h"

namespace {

using jobc::testing::draw;
using jobc::testing::sampler_for;
using jobc::testing::sweep_from_yaml;

std::vector<std::string> printed(const std::vector<jobc::sweep::Parameters>& trials) {
  std::vector<std::string> out;
  for (const auto& trial : trials) out.push_back(trial.python_str());
  return out;
}

}  // namespace

TEST_SUITE("sweep") {
  TEST_CASE("grid enumerates the exact product, nested choices expanded, then stops") {
    auto sampler = sampler_for(
        sweep_from_yaml("search_space:\n"
                        "  b:\n    type: choice\n    values: [1, 2.5]\n"
                        "  a:\n"
                        "    type: choice\n"
                        "    values:\n"
                        "      - x\n"
                        "      - kind: deep\n"
                        "        depth:\n          type: choice\n          values: [3, 4]\n",
                        "sampling_algorithm: grid\n"));
    auto trials = draw(*sampler, 100);
    // Parameters by name (a before b), the last changing fastest; a's nested item stands for
    // both of its depths.
    std::vector<std::string> expected = {
        "{\"a\":\"x\",\"b\":1}",
        "{\"a\":\"x\",\"b\":2.5}",
        "{\"b\":1,\"depth\":3,\"kind\":\"deep\"}",
        "{\"b\":2.5,\"depth\":3,\"kind\":\"deep\"}",
        "{\"b\":1,\"depth\":4,\"kind\":\"deep\"}",
        "{\"b\":2.5,\"depth\":4,\"kind\":\"deep\"}",
    };
    CHECK(printed(trials) == expected);
    CHECK(!sampler->next().has_value());
    CHECK(!sampler->next().has_value());
  }

  TEST_CASE("grid over a single choice gives each item once") {
    auto sampler = sampler_for(
        sweep_from_yaml("search_space:\n  lr:\n    type: choice\n    values: [0.1, 0.01, 0.001]\n",
                        "sampling_algorithm:\n  type: grid\n"));
    CHECK(printed(draw(*sampler, 10)) ==
          std::vector<std::string>{"{\"lr\":0.1}", "{\"lr\":0.01}", "{\"lr\":0.001}"});
  }

  TEST_CASE("grid over a uniform parameter is an error naming the parameter") {
    auto job = sweep_from_yaml(
        "search_space:\n"
        "  batch:\n    type: choice\n    values: [16, 32]\n"
        "  lr:\n    type: uniform\n    min_value: 0.01\n    max_value: 0.1\n",
        "sampling_algorithm: grid\n");
    auto made = jobc::sweep::make_sampler(job, jobc::sweep::Goal::Minimize, 1);
    REQUIRE(!made.ok());
    CHECK(made.error().message ==
          "grid sampling takes only choice parameters, and search space parameter 'lr' is "
          "uniform");
  }

  TEST_CASE("grid over a uniform inside a nested choice is an error naming it") {
    auto job = sweep_from_yaml(
        "search_space:\n"
        "  m:\n    type: choice\n    values:\n"
        "      - c:\n          type: uniform\n          min_value: 0\n          max_value: 1\n",
        "sampling_algorithm: grid\n");
    auto made = jobc::sweep::make_sampler(job, jobc::sweep::Goal::Minimize, 1);
    REQUIRE(!made.ok());
    CHECK(made.error().message.find("'c' is uniform") != std::string::npos);
  }
}
