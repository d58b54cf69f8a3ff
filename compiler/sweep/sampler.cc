// make_sampler: which sampler a sweep's `sampling_algorithm:` names, over its search space.
#include "sweep/sampler.h"

#include <chrono>
#include <cmath>

#include "sweep/samplers.h"

namespace jobc::sweep {

namespace {

// logbase: "a positive number or the number "e" in string format" (azure-ai-ml's
// RandomSamplingAlgorithm); e when absent.
Result<double> log_base_of(const model::SamplingAlgorithm* algorithm) {
  constexpr double kE = 2.718281828459045;
  if (!algorithm || !algorithm->logbase) return kE;
  const model::Value& written = *algorithm->logbase;
  if (written.is_string() && written.text == "e") return kE;
  double base = written.kind == model::Value::Kind::Int     ? double(written.integer)
                : written.kind == model::Value::Kind::Float ? written.number
                                                            : 0;
  if (!(base > 0) || base == 1 || !std::isfinite(base)) {
    return fail(
        "sampling_algorithm's logbase must be \"e\" or a positive number other than 1, "
        "not " +
        written.python_str());
  }
  return base;
}

Error refused(const char* algorithm, const char* takes, const SpaceParameter& parameter) {
  return fail(std::string(algorithm) + " sampling takes only " + takes +
              " parameters, and search space parameter '" + parameter.name + "' is " +
              kind_name(parameter.distribution.kind));
}

}  // namespace

Result<std::unique_ptr<Sampler>> make_sampler(const model::SweepJob& sweep, Goal goal,
                                              std::uint64_t default_seed) {
  const model::SamplingAlgorithm* algorithm =
      sweep.sampling_algorithm ? &*sweep.sampling_algorithm : nullptr;
  std::string type = algorithm ? algorithm->type.value_or("random") : "random";
  auto log_base = log_base_of(algorithm);
  if (!log_base) return log_base.error();
  auto space = SearchSpace::build(sweep.search_space, *log_base);
  if (!space) return space.error();

  if (type == "grid") {
    auto is_choice = [](DistributionKind kind) { return kind == DistributionKind::Choice; };
    if (const SpaceParameter* p = space->find_refused(is_choice)) {
      return refused("grid", "choice", *p);
    }
    return make_grid_sampler(std::move(*space));
  }
  if (type == "bayesian") {
    auto supported = [](DistributionKind kind) {
      return kind == DistributionKind::Choice || kind == DistributionKind::Uniform ||
             kind == DistributionKind::QUniform;
    };
    if (const SpaceParameter* p = space->find_refused(supported)) {
      return refused("bayesian", "choice, uniform and quniform", *p);
    }
    return make_bayesian_sampler(std::move(*space), goal, default_seed);
  }
  if (type != "random") {
    return fail("unknown sampling algorithm '" + type + "' (random, grid or bayesian)");
  }
  std::optional<std::uint64_t> seed;
  if (algorithm && algorithm->seed) seed = static_cast<std::uint64_t>(*algorithm->seed);
  std::string rule = algorithm ? algorithm->rule.value_or("random") : "random";
  if (rule == "sobol") return make_sobol_sampler(std::move(*space), seed);
  if (rule != "random") {
    return fail("unknown random sampling rule '" + rule + "' (random or sobol)");
  }
  return make_random_sampler(std::move(*space), seed.value_or(default_seed));
}

Result<std::unique_ptr<Sampler>> make_sampler(const model::SweepJob& sweep, Goal goal) {
  auto now = std::chrono::system_clock::now().time_since_epoch().count();
  return make_sampler(sweep, goal, static_cast<std::uint64_t>(now));
}

}  // namespace jobc::sweep
