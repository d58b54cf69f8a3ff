// The samplers make_sampler chooses between, each over a search space already built.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "sweep/sampler.h"
#include "sweep/search_space.h"

namespace jobc::sweep {

// Every combination of the choices' items, nested spaces expanded (the caller checks that
// every parameter is a choice), once each, then nullopt.
std::unique_ptr<Sampler> make_grid_sampler(SearchSpace space);

// Independent draws, mt19937_64 seeded with `seed`.
std::unique_ptr<Sampler> make_random_sampler(SearchSpace space, std::uint64_t seed);

// Points of a Sobol sequence; a seed shifts it digitally. An error when the space has more
// parameters than Boost's Sobol tables.
Result<std::unique_ptr<Sampler>> make_sobol_sampler(SearchSpace space,
                                                    std::optional<std::uint64_t> seed);

// A Tree-structured Parzen Estimator (bayesian_sampler.cc), random while it has seen few
// results.
std::unique_ptr<Sampler> make_bayesian_sampler(SearchSpace space, Goal goal, std::uint64_t seed);

}  // namespace jobc::sweep
