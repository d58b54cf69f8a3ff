// Random sampling, plain and Sobol: repeatable for a seed, different for another, and Sobol
// spreading its points more evenly than independent draws.
#include <doctest/doctest.h>

#include <algorithm>

#include "sweep/draw_trials.h"
#include "sweep/sweep_from_yaml.h"

namespace {

using jobc::testing::draw;
using jobc::testing::member;
using jobc::testing::sampler_for;
using jobc::testing::sweep_from_yaml;

const char* kSpace =
    "search_space:\n"
    "  lr:\n    type: loguniform\n    min_value: -7\n    max_value: -1\n"
    "  batch:\n    type: choice\n    values: [16, 32, 64]\n"
    "  units:\n    type: randint\n    upper: 100\n"
    "  dropout:\n    type: normal\n    mu: 0.3\n    sigma: 0.1\n";

std::vector<std::string> trials_with(const std::string& sampling, int count = 20) {
  auto sampler = sampler_for(sweep_from_yaml(kSpace, sampling));
  std::vector<std::string> out;
  for (const auto& trial : draw(*sampler, count)) out.push_back(trial.python_str());
  return out;
}

// The largest number of points in one of 8 x 8 equal cells, over 64 points of a uniform
// square: 1 everywhere at best.
int fullest_cell(const std::string& sampling) {
  auto sampler =
      sampler_for(sweep_from_yaml("search_space:\n"
                                  "  x:\n    type: uniform\n    min_value: 0\n    max_value: 1\n"
                                  "  y:\n    type: uniform\n    min_value: 0\n    max_value: 1\n",
                                  sampling));
  std::vector<int> cells(64, 0);
  for (const auto& trial : draw(*sampler, 64)) {
    auto column = std::min(7, int(member(trial, "x").number * 8));
    auto row = std::min(7, int(member(trial, "y").number * 8));
    cells[std::size_t(row * 8 + column)]++;
  }
  return *std::max_element(cells.begin(), cells.end());
}

// How far the 64 values of x are from evenly spread: the largest gap between the share of
// points below t and t (the Kolmogorov-Smirnov distance to uniform).
double discrepancy(const std::string& sampling) {
  auto sampler = sampler_for(sweep_from_yaml(
      "search_space:\n  x:\n    type: uniform\n    min_value: 0\n    max_value: 1\n", sampling));
  std::vector<double> xs;
  for (const auto& trial : draw(*sampler, 64)) xs.push_back(member(trial, "x").number);
  std::sort(xs.begin(), xs.end());
  double worst = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    worst =
        std::max({worst, std::abs(double(i + 1) / 64 - xs[i]), std::abs(double(i) / 64 - xs[i])});
  }
  return worst;
}

}  // namespace

TEST_SUITE("sweep") {
  TEST_CASE("random sampling with the same seed gives the same trials") {
    auto first = trials_with("sampling_algorithm:\n  type: random\n  seed: 42\n");
    CHECK(first == trials_with("sampling_algorithm:\n  type: random\n  seed: 42\n"));
    CHECK(first.size() == 20);
  }

  TEST_CASE("random sampling with another seed gives other trials") {
    CHECK(trials_with("sampling_algorithm:\n  type: random\n  seed: 42\n") !=
          trials_with("sampling_algorithm:\n  type: random\n  seed: 43\n"));
  }

  TEST_CASE("random sampling without a seed takes the default seed it is given") {
    auto job = sweep_from_yaml(kSpace, "sampling_algorithm: random\n");
    auto a = draw(*sampler_for(job, jobc::sweep::Goal::Minimize, 5), 5);
    auto b = draw(*sampler_for(job, jobc::sweep::Goal::Minimize, 5), 5);
    auto c = draw(*sampler_for(job, jobc::sweep::Goal::Minimize, 6), 5);
    CHECK(a[4].python_str() == b[4].python_str());
    CHECK(a[4].python_str() != c[4].python_str());
  }

  TEST_CASE("a sweep that names no sampling algorithm samples at random") {
    CHECK(trials_with("").size() == 20);
  }

  TEST_CASE("sobol sampling with the same seed gives the same trials, another seed others") {
    auto first = trials_with("sampling_algorithm:\n  type: random\n  rule: sobol\n  seed: 1\n");
    CHECK(first == trials_with("sampling_algorithm:\n  type: random\n  rule: sobol\n  seed: 1\n"));
    CHECK(first != trials_with("sampling_algorithm:\n  type: random\n  rule: sobol\n  seed: 2\n"));
    CHECK(first != trials_with("sampling_algorithm:\n  type: random\n  rule: sobol\n"));
  }

  TEST_CASE("sobol points fill a square's cells more evenly than random ones") {
    int sobol = fullest_cell("sampling_algorithm:\n  type: random\n  rule: sobol\n  seed: 3\n");
    int plain = fullest_cell("sampling_algorithm:\n  type: random\n  seed: 3\n");
    CHECK(sobol <= 2);
    CHECK(plain >= 3);  // 64 balls in 64 bins: the fullest holds 3 or more almost surely
  }

  TEST_CASE("sobol values of one parameter are closer to uniform than random ones") {
    for (int seed : {1, 2, 3}) {
      std::string tail = "  seed: " + std::to_string(seed) + "\n";
      double sobol = discrepancy("sampling_algorithm:\n  type: random\n  rule: sobol\n" + tail);
      double plain = discrepancy("sampling_algorithm:\n  type: random\n" + tail);
      CHECK(sobol < 0.05);
      CHECK(sobol < plain);
    }
  }
}
