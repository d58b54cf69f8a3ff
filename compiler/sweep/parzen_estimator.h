// The Tree-structured Parzen Estimator's step for one coordinate (Bergstra et al., 2011, as
// hyperopt's tpe does it): split the results seen into the best few ("below") and the rest
// ("above"), estimate the density of each (l and g), draw candidates from l and keep the one
// where l / g is largest, which maximises the expected improvement.
#pragma once

#include <boost/random/mersenne_twister.hpp>
#include <cstddef>
#include <vector>

namespace jobc::sweep {

// A coordinate of the unit cube: continuous on [0, 1] (uniform, quniform and every other
// kind but a choice, through its CDF), or a choice among `choices` items (u in equal parts).
struct Coordinate {
  bool categorical = false;
  std::size_t choices = 0;
};

// The next u for `coordinate`, given the u of the best results (`below`) and of the others
// (`above`).
double propose_coordinate(const Coordinate& coordinate, const std::vector<double>& below,
                          const std::vector<double>& above, boost::random::mt19937_64& engine);

}  // namespace jobc::sweep
