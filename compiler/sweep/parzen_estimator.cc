#include "sweep/parzen_estimator.h"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <boost/random/discrete_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>
#include <limits>

namespace jobc::sweep {

namespace {

// hyperopt's defaults: 24 candidates; a prior as heavy as one result, centred on the range
// with the range's width as its spread.
constexpr int kCandidates = 24;
constexpr double kPriorWeight = 1.0;
constexpr double kPriorMu = 0.5;
constexpr double kPriorSigma = 1.0;

// A mixture of Gaussians, each cut to [0, 1].
struct Parzen {
  std::vector<double> mu, sigma, mass;  // mass: of the Gaussian inside [0, 1]
  std::vector<double> weight;           // normalised

  double density(double x) const {
    constexpr double kInvSqrt2Pi = 0.3989422804014327;
    double sum = 0;
    for (std::size_t i = 0; i < mu.size(); ++i) {
      double z = (x - mu[i]) / sigma[i];
      sum += weight[i] * kInvSqrt2Pi * std::exp(-0.5 * z * z) / (sigma[i] * mass[i]);
    }
    return sum;
  }

  double draw(boost::random::mt19937_64& engine) const {
    boost::random::discrete_distribution<std::size_t> pick(weight.begin(), weight.end());
    std::size_t i = pick(engine);
    boost::random::normal_distribution<double> normal(mu[i], sigma[i]);
    for (int tries = 0; tries < 100; ++tries) {
      double x = normal(engine);
      if (x >= 0 && x <= 1) return x;
    }
    return std::clamp(mu[i], 0.0, 1.0);
  }
};

// hyperopt's adaptive Parzen estimator: one Gaussian per point plus the prior; each point's
// spread the larger gap to its neighbours, kept between prior_sigma / min(100, n + 1) and
// prior_sigma, so close points give sharp peaks and lone ones wide hills.
Parzen fit(std::vector<double> points) {
  Parzen out;
  std::sort(points.begin(), points.end());
  std::vector<double> mus = points;
  auto prior_at =
      static_cast<std::size_t>(std::lower_bound(mus.begin(), mus.end(), kPriorMu) - mus.begin());
  mus.insert(mus.begin() + static_cast<std::ptrdiff_t>(prior_at), kPriorMu);
  std::size_t n = mus.size();
  double min_sigma = kPriorSigma / std::min(100.0, double(n));
  boost::math::normal standard;
  for (std::size_t i = 0; i < n; ++i) {
    double sigma;
    if (i == prior_at) {
      sigma = kPriorSigma;
    } else {
      double left = i > 0 ? mus[i] - mus[i - 1] : mus[i];
      double right = i + 1 < n ? mus[i + 1] - mus[i] : 1 - mus[i];
      sigma = std::clamp(std::max(left, right), min_sigma, kPriorSigma);
    }
    double mass = boost::math::cdf(standard, (1 - mus[i]) / sigma) -
                  boost::math::cdf(standard, (0 - mus[i]) / sigma);
    out.mu.push_back(mus[i]);
    out.sigma.push_back(sigma);
    out.mass.push_back(std::max(mass, 1e-12));
    out.weight.push_back(i == prior_at ? kPriorWeight : 1.0);
  }
  double total = 0;
  for (double w : out.weight) total += w;
  for (double& w : out.weight) w /= total;
  return out;
}

// A categorical estimate: each item's count plus the prior, spread evenly over the items.
std::vector<double> item_weights(std::size_t choices, const std::vector<double>& points) {
  std::vector<double> weights(choices, kPriorWeight / double(choices));
  for (double u : points) {
    auto index = static_cast<std::size_t>(std::max(0.0, std::floor(u * double(choices))));
    weights[std::min(index, choices - 1)] += 1;
  }
  return weights;
}

double propose_item(std::size_t choices, const std::vector<double>& below,
                    const std::vector<double>& above, boost::random::mt19937_64& engine) {
  std::vector<double> l = item_weights(choices, below);
  std::vector<double> g = item_weights(choices, above);
  double l_total = 0, g_total = 0;
  for (std::size_t i = 0; i < choices; ++i) {
    l_total += l[i];
    g_total += g[i];
  }
  boost::random::discrete_distribution<std::size_t> pick(l.begin(), l.end());
  std::size_t best = 0;
  double best_score = -std::numeric_limits<double>::infinity();
  for (int c = 0; c < kCandidates; ++c) {
    std::size_t i = pick(engine);
    double score = std::log(l[i] / l_total) - std::log(g[i] / g_total);
    if (score > best_score) {
      best = i;
      best_score = score;
    }
  }
  return (double(best) + 0.5) / double(choices);
}

}  // namespace

double propose_coordinate(const Coordinate& coordinate, const std::vector<double>& below,
                          const std::vector<double>& above, boost::random::mt19937_64& engine) {
  if (coordinate.categorical) return propose_item(coordinate.choices, below, above, engine);
  Parzen l = fit(below);
  Parzen g = fit(above);
  double best = 0.5;
  double best_score = -std::numeric_limits<double>::infinity();
  constexpr double kTiny = 1e-300;  // keeps log finite where a density underflows
  for (int c = 0; c < kCandidates; ++c) {
    double x = l.draw(engine);
    double score = std::log(l.density(x) + kTiny) - std::log(g.density(x) + kTiny);
    if (score > best_score) {
      best = x;
      best_score = score;
    }
  }
  return best;
}

}  // namespace jobc::sweep
