// A sweep's trial as a command job of its own: the sweep's common fields and its `trial:`,
// with the sampled parameters that its ${{search_space.x}} references become.
#pragma once

#include <memory>

#include "jobc/model/spec.h"
#include "sweep/sampler.h"

namespace jobc {

// limits.trial_timeout becomes the trial's own timeout. The trial has no name of its own: the
// sweep names its runs.
std::shared_ptr<const model::Spec> trial_spec(const model::SweepJob& sweep,
                                              const sweep::Parameters& parameters);

}  // namespace jobc
