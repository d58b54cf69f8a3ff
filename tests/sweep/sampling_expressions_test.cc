// Each search-space expression: its values' range and type, q rounding, and the shape of its
// distribution, as Azure ML defines them.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "sweep/draw_trials.h"
#include "sweep/parameter_distribution.h"
#include "sweep/sweep_from_yaml.h"

namespace {

using jobc::model::Value;
using jobc::testing::draw;
using jobc::testing::member;
using jobc::testing::sampler_for;
using jobc::testing::sweep_from_yaml;

std::vector<double> numbers_of(const std::string& parameter_yaml, int count,
                               const std::string& sampling =
                                   "sampling_algorithm:\n"
                                   "  type: random\n  seed: 7\n") {
  auto sampler = sampler_for(sweep_from_yaml("search_space:\n  x:\n" + parameter_yaml, sampling));
  std::vector<double> out;
  for (const auto& trial : draw(*sampler, count)) {
    const Value& x = member(trial, "x");
    REQUIRE(x.kind == Value::Kind::Float);
    out.push_back(x.number);
  }
  return out;
}

bool multiple_of(double x, double q) {
  return std::abs(x / q - std::round(x / q)) < 1e-9;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

TEST_SUITE("sweep") {
  TEST_CASE("uniform gives floats between min_value and max_value") {
    auto xs = numbers_of("    type: uniform\n    min_value: -2\n    max_value: 3\n", 500);
    for (double x : xs) CHECK((x >= -2 && x <= 3));
    CHECK(*std::min_element(xs.begin(), xs.end()) < -1.9);
    CHECK(*std::max_element(xs.begin(), xs.end()) > 2.9);
  }

  TEST_CASE("quniform gives float multiples of q within the rounded range") {
    auto xs =
        numbers_of("    type: quniform\n    min_value: 0\n    max_value: 10\n    q: 2.5\n", 300);
    for (double x : xs) {
      CHECK(multiple_of(x, 2.5));
      CHECK((x >= 0 && x <= 10));
    }
    CHECK(std::count(xs.begin(), xs.end(), 5.0) > 0);
  }

  TEST_CASE("loguniform gives exp of a uniform exponent") {
    auto xs = numbers_of("    type: loguniform\n    min_value: -3\n    max_value: 2\n", 500);
    for (double x : xs) CHECK((x >= std::exp(-3.0) && x <= std::exp(2.0)));
  }

  TEST_CASE("loguniform is uniform in log space: its median is near exp of the middle") {
    auto xs = numbers_of("    type: loguniform\n    min_value: -6\n    max_value: 2\n", 2000);
    // exp(-2) = 0.135; a plain uniform over [e^-6, e^2] would have its median near 3.7.
    CHECK(std::abs(std::log(median(xs)) + 2.0) < 0.25);
  }

  TEST_CASE("qloguniform rounds exp of a uniform exponent to multiples of q") {
    auto xs =
        numbers_of("    type: qloguniform\n    min_value: 0\n    max_value: 5\n    q: 4\n", 300);
    for (double x : xs) {
      CHECK(multiple_of(x, 4));
      CHECK((x >= 0 && x <= 152));  // round(e^5 / 4) * 4 = 148
    }
  }

  TEST_CASE("normal has the mean and standard deviation asked for") {
    auto xs = numbers_of("    type: normal\n    mu: 10\n    sigma: 3\n", 2000);
    double mean = 0, square = 0;
    for (double x : xs) mean += x;
    mean /= double(xs.size());
    for (double x : xs) square += (x - mean) * (x - mean);
    double sd = std::sqrt(square / double(xs.size() - 1));
    CHECK(std::abs(mean - 10) < 0.3);
    CHECK(std::abs(sd - 3) < 0.3);
  }

  TEST_CASE("qnormal rounds a normal value to multiples of q") {
    auto xs = numbers_of("    type: qnormal\n    mu: 0\n    sigma: 5\n    q: 3\n", 300);
    for (double x : xs) CHECK(multiple_of(x, 3));
    CHECK(std::count_if(xs.begin(), xs.end(), [](double x) { return x < 0; }) > 50);
  }

  TEST_CASE("lognormal is exp of a normal value: positive, its log's median near mu") {
    auto xs = numbers_of("    type: lognormal\n    mu: 1\n    sigma: 0.5\n", 2000);
    for (double x : xs) CHECK(x > 0);
    CHECK(std::abs(std::log(median(xs)) - 1) < 0.1);
  }

  TEST_CASE("qlognormal rounds exp of a normal value to multiples of q") {
    auto xs = numbers_of("    type: qlognormal\n    mu: 2\n    sigma: 1\n    q: 0.5\n", 300);
    for (double x : xs) {
      CHECK(multiple_of(x, 0.5));
      CHECK(x >= 0);
    }
  }

  TEST_CASE("q rounding is to the nearest multiple, ties to even as numpy's round") {
    jobc::sweep::Distribution quniform;
    quniform.kind = jobc::sweep::DistributionKind::QUniform;
    quniform.min_value = 0;
    quniform.max_value = 10;
    quniform.q = 2;
    CHECK(jobc::sweep::value_at(quniform, 0.33).number == 4.0);  // 3.3 / 2 = 1.65 -> 2
    CHECK(jobc::sweep::value_at(quniform, 0.29).number == 2.0);  // 2.9 / 2 = 1.45 -> 1
    CHECK(jobc::sweep::value_at(quniform, 0.5).number == 4.0);   // 5 / 2 = 2.5 -> 2
    CHECK(jobc::sweep::value_at(quniform, 0.7).number == 8.0);   // 7 / 2 = 3.5 -> 4
  }

  TEST_CASE("randint gives integers from 0 to upper - 1, both ends included") {
    auto sampler =
        sampler_for(sweep_from_yaml("search_space:\n  n:\n    type: randint\n"
                                    "    upper: 5\n",
                                    "sampling_algorithm:\n  type: random\n  seed: 3\n"));
    std::vector<int> seen(5, 0);
    for (const auto& trial : draw(*sampler, 500)) {
      const Value& n = member(trial, "n");
      REQUIRE(n.kind == Value::Kind::Int);
      REQUIRE((n.integer >= 0 && n.integer < 5));
      seen[std::size_t(n.integer)]++;
    }
    for (int count : seen) CHECK(count > 50);
  }

  TEST_CASE("choice gives its items with the type they were written with") {
    auto sampler = sampler_for(
        sweep_from_yaml("search_space:\n  v:\n    type: choice\n    values: [1, 1.0, a, true]\n",
                        "sampling_algorithm:\n  type: random\n  seed: 5\n"));
    std::set<Value::Kind> kinds;
    for (const auto& trial : draw(*sampler, 100)) kinds.insert(member(trial, "v").kind);
    CHECK(kinds == std::set<Value::Kind>{Value::Kind::Int, Value::Kind::Float, Value::Kind::String,
                                         Value::Kind::Bool});
  }

  TEST_CASE("a choice item that is a map adds its fixed values and its own sampled parameters") {
    auto sampler = sampler_for(sweep_from_yaml(
        "search_space:\n"
        "  model:\n"
        "    type: choice\n"
        "    values:\n"
        "      - kind: svm\n"
        "        c:\n          type: uniform\n          min_value: 1\n          max_value: 2\n"
        "      - kind: tree\n"
        "        depth:\n          type: randint\n          upper: 4\n"
        "  lr:\n    type: uniform\n    min_value: 0\n    max_value: 1\n",
        "sampling_algorithm:\n  type: random\n  seed: 9\n"));
    int svm = 0, tree = 0;
    for (const auto& trial : draw(*sampler, 100)) {
      CHECK(trial.find("model") == nullptr);
      CHECK(trial.find("lr") != nullptr);
      const std::string& kind = member(trial, "kind").text;
      if (kind == "svm") {
        ++svm;
        double c = member(trial, "c").number;
        CHECK((c >= 1 && c <= 2));
        CHECK(trial.find("depth") == nullptr);
      } else {
        ++tree;
        CHECK(kind == "tree");
        CHECK(member(trial, "depth").kind == Value::Kind::Int);
        CHECK(trial.find("c") == nullptr);
      }
      CHECK(std::is_sorted(trial.members.begin(), trial.members.end(),
                           [](const auto& a, const auto& b) { return a.first < b.first; }));
    }
    CHECK(svm > 20);
    CHECK(tree > 20);
  }

  TEST_CASE("logbase replaces e in the log kinds") {
    auto xs = numbers_of("    type: loguniform\n    min_value: 0\n    max_value: 3\n", 500,
                         "sampling_algorithm:\n  type: random\n  seed: 1\n  logbase: 10\n");
    for (double x : xs) CHECK((x >= 1 && x <= 1000.0001));
    CHECK(*std::max_element(xs.begin(), xs.end()) > 500);  // e^3 is 20
  }

  TEST_CASE("a logbase that is not e nor a positive number other than 1 is an error") {
    auto job = sweep_from_yaml(
        "search_space:\n  x:\n    type: loguniform\n    min_value: 0\n"
        "    max_value: 1\n",
        "sampling_algorithm:\n  type: random\n  logbase: ten\n");
    auto made = jobc::sweep::make_sampler(job, jobc::sweep::Goal::Minimize, 1);
    REQUIRE(!made.ok());
    CHECK(made.error().message.find("logbase") != std::string::npos);
  }

  TEST_CASE("a uniform whose min_value is above its max_value is an error naming it") {
    auto job = sweep_from_yaml(
        "search_space:\n  lr:\n    type: uniform\n    min_value: 2\n    max_value: 1\n");
    auto made = jobc::sweep::make_sampler(job, jobc::sweep::Goal::Minimize, 1);
    REQUIRE(!made.ok());
    CHECK(made.error().message.find("'lr'") != std::string::npos);
  }
}
