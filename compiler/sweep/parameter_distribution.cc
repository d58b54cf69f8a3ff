// Azure ML's parameter expressions (learn.microsoft.com, "Hyperparameter tuning a model (v2)"):
//   uniform(min, max)         a value uniformly distributed between min and max
//   quniform(min, max, q)     round(uniform(min, max) / q) * q
//   loguniform(min, max)      exp(uniform(min, max)): its logarithm is uniform
//   qloguniform(min, max, q)  round(exp(uniform(min, max)) / q) * q
//   normal(mu, sigma)         normally distributed, mean mu, standard deviation sigma
//   qnormal(mu, sigma, q)     round(normal(mu, sigma) / q) * q
//   lognormal(mu, sigma)      exp(normal(mu, sigma)): its logarithm is normal
//   qlognormal(mu, sigma, q)  round(exp(normal(mu, sigma)) / q) * q
//   randint(upper)            an integer in [0, upper)
// The random sampling algorithm's logbase replaces e in the log kinds (base^x).
#include "sweep/parameter_distribution.h"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <string_view>

namespace jobc::sweep {

namespace {

struct KindName {
  DistributionKind kind;
  const char* name;
};

constexpr KindName kKindNames[] = {
    {DistributionKind::Choice, "choice"},         {DistributionKind::RandInt, "randint"},
    {DistributionKind::Uniform, "uniform"},       {DistributionKind::QUniform, "quniform"},
    {DistributionKind::LogUniform, "loguniform"}, {DistributionKind::QLogUniform, "qloguniform"},
    {DistributionKind::Normal, "normal"},         {DistributionKind::QNormal, "qnormal"},
    {DistributionKind::LogNormal, "lognormal"},   {DistributionKind::QLogNormal, "qlognormal"},
};

bool is_log(DistributionKind kind) {
  return kind == DistributionKind::LogUniform || kind == DistributionKind::QLogUniform ||
         kind == DistributionKind::LogNormal || kind == DistributionKind::QLogNormal;
}

bool is_quantized(DistributionKind kind) {
  return kind == DistributionKind::QUniform || kind == DistributionKind::QLogUniform ||
         kind == DistributionKind::QNormal || kind == DistributionKind::QLogNormal;
}

bool is_normal(DistributionKind kind) {
  return kind == DistributionKind::Normal || kind == DistributionKind::QNormal ||
         kind == DistributionKind::LogNormal || kind == DistributionKind::QLogNormal;
}

// The normal quantile is infinite at 0 and 1 (and boost throws there): keep u inside.
double open_unit(double u) {
  constexpr double kEdge = 1e-12;
  return std::clamp(u, kEdge, 1 - kEdge);
}

model::Value float_value(double number) {
  model::Value value;
  value.kind = model::Value::Kind::Float;
  value.number = number;
  return value;
}

Error missing(const WrittenExpression& written, const char* field) {
  return fail("search space parameter '" + written.name + "' (" + written.type + ") has no " +
              field);
}

Error invalid(const WrittenExpression& written, const std::string& why) {
  return fail("search space parameter '" + written.name + "' cannot be sampled: " + why);
}

}  // namespace

const char* kind_name(DistributionKind kind) {
  for (const KindName& entry : kKindNames) {
    if (entry.kind == kind) return entry.name;
  }
  return "?";
}

Result<Distribution> make_distribution(const WrittenExpression& written, double log_base) {
  Distribution out;
  const KindName* found = std::find_if(std::begin(kKindNames), std::end(kKindNames),
                                       [&](const KindName& k) { return written.type == k.name; });
  if (found == std::end(kKindNames)) {
    return invalid(written, "unknown type '" + written.type + "'");
  }
  out.kind = found->kind;
  out.log_base = log_base;
  if (out.kind == DistributionKind::Choice) {
    if (written.choices == 0) return invalid(written, "its choice has no values");
    out.choices = written.choices;
    return out;
  }
  if (out.kind == DistributionKind::RandInt) {
    if (!written.upper) return missing(written, "upper");
    if (*written.upper < 1) return invalid(written, "randint's upper is below 1");
    out.upper = *written.upper;
    return out;
  }
  if (is_quantized(out.kind)) {
    if (!written.q) return missing(written, "q");
    if (!(*written.q > 0)) return invalid(written, "q is not above 0");
    out.q = *written.q;
  }
  if (is_normal(out.kind)) {
    if (!written.mu) return missing(written, "mu");
    if (!written.sigma) return missing(written, "sigma");
    if (!(*written.sigma >= 0)) return invalid(written, "sigma is below 0");
    out.mu = *written.mu;
    out.sigma = *written.sigma;
    return out;
  }
  if (!written.min_value) return missing(written, "min_value");
  if (!written.max_value) return missing(written, "max_value");
  if (*written.min_value > *written.max_value) {
    return invalid(written, "min_value is above max_value");
  }
  out.min_value = *written.min_value;
  out.max_value = *written.max_value;
  return out;
}

model::Value value_at(const Distribution& d, double u) {
  if (d.kind == DistributionKind::RandInt) {
    model::Value value;
    value.kind = model::Value::Kind::Int;
    auto index = static_cast<long long>(std::floor(u * static_cast<double>(d.upper)));
    value.integer = std::clamp(index, 0LL, d.upper - 1);
    return value;
  }
  double x;
  if (is_normal(d.kind)) {
    x = d.sigma == 0 ? d.mu
                     : boost::math::quantile(boost::math::normal(d.mu, d.sigma), open_unit(u));
  } else {
    x = d.min_value + std::clamp(u, 0.0, 1.0) * (d.max_value - d.min_value);
  }
  if (is_log(d.kind)) x = std::pow(d.log_base, x);
  // nearbyint rounds ties to even in the default rounding mode, as numpy's round does.
  if (is_quantized(d.kind)) x = std::nearbyint(x / d.q) * d.q;
  return float_value(x);
}

std::size_t choice_index(const Distribution& d, double u) {
  auto index = static_cast<std::size_t>(std::max(0.0, std::floor(u * double(d.choices))));
  return std::min(index, d.choices - 1);
}

double unit_of_choice(const Distribution& d, std::size_t index) {
  return (double(index) + 0.5) / double(d.choices);
}

std::optional<double> unit_of(const Distribution& d, const model::Value& value) {
  double x;
  if (value.kind == model::Value::Kind::Int) {
    x = double(value.integer);
  } else if (value.kind == model::Value::Kind::Float) {
    x = value.number;
  } else {
    return std::nullopt;
  }
  if (!std::isfinite(x) || d.kind == DistributionKind::Choice) return std::nullopt;
  if (d.kind == DistributionKind::RandInt) {
    return std::clamp((x + 0.5) / double(d.upper), 0.0, 1.0);
  }
  if (is_log(d.kind)) {
    if (!(x > 0)) return 0.0;
    x = std::log(x) / std::log(d.log_base);
  }
  if (is_normal(d.kind)) {
    if (d.sigma == 0) return 0.5;
    return boost::math::cdf(boost::math::normal(d.mu, d.sigma), x);
  }
  if (d.max_value == d.min_value) return 0.5;
  return std::clamp((x - d.min_value) / (d.max_value - d.min_value), 0.0, 1.0);
}

}  // namespace jobc::sweep
