// One search-space expression (Azure ML's parameter expressions: choice, randint, uniform,
// quniform, loguniform, qloguniform, normal, qnormal, lognormal, qlognormal) as a map from a
// point u of (0, 1) to a value: its inverse CDF. Every sampler but grid draws u (at random,
// from a Sobol sequence, from a Parzen estimator) and maps it through here.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "jobc/model/value.h"
#include "jobc/result.h"

namespace jobc::sweep {

enum class DistributionKind {
  Choice,
  RandInt,
  Uniform,
  QUniform,
  LogUniform,
  QLogUniform,
  Normal,
  QNormal,
  LogNormal,
  QLogNormal,
};

struct Distribution {
  DistributionKind kind = DistributionKind::Uniform;
  std::size_t choices = 0;  // choice: how many items
  long long upper = 0;      // randint
  double min_value = 0;     // uniform and its kin (an exponent for the log kinds)
  double max_value = 0;
  double mu = 0;  // normal and its kin (of the exponent for the log kinds)
  double sigma = 0;
  double q = 0;                         // the q kinds
  double log_base = 2.718281828459045;  // the log kinds: base^x (e unless logbase says)
};

// The expression's fields, as written either at the top of `search_space:` or inside a
// choice item (a nested search space).
struct WrittenExpression {
  std::string name;
  std::string type;
  std::size_t choices = 0;
  std::optional<long long> upper;
  std::optional<double> min_value, max_value, q, mu, sigma;
};

// The distribution, or an error naming the parameter when a field it needs is missing or
// out of range (upper < 1, min_value > max_value, sigma < 0, q <= 0, an unknown type).
Result<Distribution> make_distribution(const WrittenExpression& written, double log_base);

// The type name Azure ML uses for the kind ("quniform").
const char* kind_name(DistributionKind kind);

// The value at u in (0, 1) (not for a choice: see choice_index). randint gives an Int in
// [0, upper). Everything else gives a Float, the q kinds included: round(x / q) * q is a
// float in hyperopt, whose expressions Azure ML's are (quniform(0, 10, 1) gives 3.0, not 3).
// Rounding is to the nearest, ties to even, as numpy's round (which hyperopt uses).
model::Value value_at(const Distribution& distribution, double u);

// The item of a choice at u: u split into equal parts, one per item.
std::size_t choice_index(const Distribution& distribution, double u);

// The inverse of value_at: a u it maps back to `value` (randint: the middle of the value's
// part), or nullopt when `value` is not a number (or the distribution is a choice).
std::optional<double> unit_of(const Distribution& distribution, const model::Value& value);
// The inverse of choice_index: the middle of the item's part.
double unit_of_choice(const Distribution& distribution, std::size_t index);

}  // namespace jobc::sweep
