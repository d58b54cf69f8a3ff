// Bayesian sampling. Azure ML's is "based on the Bayesian optimization algorithm": it picks
// each sample from how the previous ones did, and takes only choice, uniform and quniform
// parameters. This one is a Tree-structured Parzen Estimator (TPE, as hyperopt's): the first
// kStartupTrials trials are random; after that each coordinate is proposed by
// propose_coordinate from the results observe() gave, using only the trials in which the
// coordinate was active (a nested space's parameter counts only where its item was chosen).
// Same seed and same results in the same order: the same trials.
#include <algorithm>
#include <boost/random/uniform_01.hpp>
#include <cmath>

#include "sweep/parzen_estimator.h"
#include "sweep/samplers.h"

namespace jobc::sweep {

namespace {

// Random trials before the model takes over (Optuna's default; hyperopt waits for 20).
constexpr std::size_t kStartupTrials = 10;
// The share of results that count as good, ceil(gamma * n): the TPE paper's gamma of 0.15
// (hyperopt's ceil(0.25 * sqrt(n)) found less on the tests' bowl).
constexpr double kGamma = 0.15;

struct Observation {
  UnitPoint point;
  double loss;  // lower is better, whatever the goal
};

class BayesianSampler : public Sampler {
 public:
  BayesianSampler(SearchSpace space, Goal goal, std::uint64_t seed)
      : space_(std::move(space)), goal_(goal), engine_(seed) {}

  std::optional<Parameters> next() override {
    std::vector<double> u(space_.dimensions());
    boost::random::uniform_01<double> unit;
    for (double& coordinate : u) coordinate = unit(engine_);
    if (observations_.size() >= kStartupTrials) {
      for (std::size_t i = 0; i < u.size(); ++i) propose(i, u[i]);
    }
    return space_.trial_at(u);
  }

  // A result whose parameters are not this space's, or whose metric is not a number (a
  // diverged trial), teaches nothing and is left out.
  bool learns_from_results() const override { return true; }
  void observe(const Parameters& parameters, double primary_metric) override {
    if (!std::isfinite(primary_metric)) return;
    std::optional<UnitPoint> point = space_.locate(parameters);
    if (!point) return;
    double loss = goal_ == Goal::Minimize ? primary_metric : -primary_metric;
    // Kept sorted by loss (stable: ties in the order observed), ready to split.
    auto at = std::upper_bound(observations_.begin(), observations_.end(), loss,
                               [](double l, const Observation& o) { return l < o.loss; });
    observations_.insert(at, Observation{std::move(*point), loss});
  }

 private:
  // Replaces `u` (a random draw) with the model's proposal when the coordinate has been
  // active in enough results to split them.
  void propose(std::size_t coordinate, double& u) {
    std::vector<double> seen;  // in order of loss
    for (const Observation& o : observations_) {
      if (o.point.active[coordinate]) seen.push_back(o.point.u[coordinate]);
    }
    if (seen.size() < 2) return;
    auto below_count = static_cast<std::size_t>(std::ceil(kGamma * double(seen.size())));
    below_count = std::clamp<std::size_t>(below_count, 1, seen.size() - 1);
    std::vector<double> below(seen.begin(), seen.begin() + std::ptrdiff_t(below_count));
    std::vector<double> above(seen.begin() + std::ptrdiff_t(below_count), seen.end());
    const SpaceParameter& parameter = space_.at_coordinate(coordinate);
    Coordinate kind{parameter.distribution.kind == DistributionKind::Choice,
                    parameter.distribution.choices};
    u = propose_coordinate(kind, below, above, engine_);
  }

  SearchSpace space_;
  Goal goal_;
  boost::random::mt19937_64 engine_;
  std::vector<Observation> observations_;
};

}  // namespace

std::unique_ptr<Sampler> make_bayesian_sampler(SearchSpace space, Goal goal, std::uint64_t seed) {
  return std::make_unique<BayesianSampler>(std::move(space), goal, seed);
}

}  // namespace jobc::sweep
