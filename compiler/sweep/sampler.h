// Sampling a sweep's search space: the parameters of each next trial, as Azure ML's grid,
// random (plain or Sobol) and Bayesian sampling define them.
#pragma once

#include <memory>
#include <optional>

#include "jobc/model/sweep.h"
#include "jobc/result.h"

namespace jobc::sweep {

// One trial's parameters: a map Value (sorted by name) of each sampled value. A choice gives
// the item as written (its PyYAML type kept); randint an Int; the continuous kinds a Float.
// A choice item that is a map (a nested search space) adds its own sampled parameters.
using Parameters = model::Value;

enum class Goal { Minimize, Maximize };

class Sampler {
 public:
  virtual ~Sampler() = default;
  // The next trial's parameters; nullopt when the space has no more (a grid exhausted).
  virtual std::optional<Parameters> next() = 0;
  // A finished trial's primary metric, for samplers that learn from results (Bayesian);
  // the others ignore it.
  virtual void observe(const Parameters& parameters, double primary_metric) {
    (void)parameters;
    (void)primary_metric;
  }
};

// The sampler the sweep asks for (random when it names none). Same sweep and seed: the same
// trials in the same order. An error when the space cannot be sampled as written (a grid over
// a continuous parameter).
Result<std::unique_ptr<Sampler>> make_sampler(const model::SweepJob& sweep, Goal goal);

}  // namespace jobc::sweep
