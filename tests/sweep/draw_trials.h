// Test helper: a sampler made from a sweep (the test fails if it cannot be), and its trials.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <vector>

#include "sweep/sampler.h"

namespace jobc::testing {

inline std::unique_ptr<sweep::Sampler> sampler_for(const model::SweepJob& job,
                                                   sweep::Goal goal = sweep::Goal::Minimize,
                                                   std::uint64_t default_seed = 1) {
  auto made = sweep::make_sampler(job, goal, default_seed);
  REQUIRE_MESSAGE(made.ok(), (made.ok() ? "" : made.error().message));
  return std::move(*made);
}

// The next `count` trials (fewer when the sampler runs out).
inline std::vector<sweep::Parameters> draw(sweep::Sampler& sampler, int count) {
  std::vector<sweep::Parameters> out;
  for (int i = 0; i < count; ++i) {
    auto trial = sampler.next();
    if (!trial) break;
    out.push_back(std::move(*trial));
  }
  return out;
}

// The member `name` of a trial (the test fails when it is missing).
inline const model::Value& member(const sweep::Parameters& trial, std::string_view name) {
  const model::Value* found = trial.find(name);
  REQUIRE_MESSAGE(found != nullptr, (std::string(name) + " missing from " + trial.python_str()));
  return *found;
}

}  // namespace jobc::testing
