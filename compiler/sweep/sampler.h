// Sampling a sweep's search space: the parameters of each next trial, as Azure ML's grid,
// random (plain or Sobol) and Bayesian sampling define them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "jobc/model/sweep.h"
#include "jobc/result.h"

namespace jobc::sweep {

// One trial's parameters: a map Value (sorted by name) of each sampled value. A choice gives
// the item as written (its PyYAML type kept); randint an Int; the continuous kinds a Float.
// A choice item that is a map (a nested search space) adds its members instead of the
// choice's own name: its plain values as written, its parameters sampled.
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
  // Whether observe() changes what next() proposes: then only as many trials as can run at
  // once are sampled ahead; the others may be sampled all at once (a Slurm job array).
  virtual bool learns_from_results() const { return false; }
};

// The sampler the sweep asks for (random when it names none):
//   grid      every combination of the choices, in a fixed order, then nullopt; only choice
//             parameters (nested spaces too)
//   random    independent draws; `seed` makes them repeatable; logbase (a number or "e")
//             replaces e in the log kinds
//   random with rule: sobol
//             a Sobol sequence mapped through each parameter's inverse CDF; a seed shifts it
//   bayesian  a Tree-structured Parzen Estimator (TPE, as hyperopt's): 10 random trials,
//             then proposals from what observe() reported; only choice, uniform and quniform
//             parameters, as in Azure ML
// Same sweep and seed (and, for bayesian, the same results observed in the same order): the
// same trials in the same order. An error when the space cannot be sampled as written (a grid
// over a continuous parameter, a field out of range, an unknown type, rule or logbase).
Result<std::unique_ptr<Sampler>> make_sampler(const model::SweepJob& sweep, Goal goal);
// The same, with the seed to use where the sweep writes none (random without `seed`, and
// bayesian, which has none): a controller that records it samples the same trials when it
// resumes. make_sampler without it takes one from the clock.
Result<std::unique_ptr<Sampler>> make_sampler(const model::SweepJob& sweep, Goal goal,
                                              std::uint64_t default_seed);

}  // namespace jobc::sweep
