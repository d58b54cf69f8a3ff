#include "runs/sweep/trial_spec.h"

namespace jobc {

std::shared_ptr<const model::Spec> trial_spec(const model::SweepJob& sweep,
                                              const sweep::Parameters& parameters) {
  model::CommandJob job;
  static_cast<model::JobCommon&>(job) = sweep;  // what every job has: inputs, outputs, tags...
  job.name = {};
  job.body = sweep.trial;
  if (sweep.limits && sweep.limits->trial_timeout) {
    job.timeout = sweep.limits->trial_timeout;
    job.limits_written = true;
  }
  job.trial_parameters = parameters;
  auto spec = std::make_shared<model::Spec>();
  spec->body = std::move(job);
  return spec;
}

}  // namespace jobc
