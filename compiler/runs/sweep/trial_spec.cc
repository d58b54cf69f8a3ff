#include "runs/sweep/trial_spec.h"

#include <algorithm>

namespace jobc {

std::shared_ptr<const model::Spec> trial_spec(const model::SweepJob& sweep,
                                              const sweep::Parameters& parameters) {
  model::CommandJob job;
  static_cast<model::JobCommon&>(job) = sweep;  // what every job has: inputs, outputs, tags...
  job.name = {};                                // the sweep names its trials' runs
  job.display_name = {};
  job.body = sweep.trial;
  if (sweep.limits && sweep.limits->trial_timeout) {
    job.timeout = sweep.limits->trial_timeout;
    job.limits_written = true;
  }
  job.trial_parameters = parameters;
  // As on Azure ML, each parameter is also in the trial's environment as AZUREML_SWEEP_<name>.
  model::Value& variables = job.body.environment_variables;
  if (!variables.is_map()) {
    variables = model::Value();
    variables.kind = model::Value::Kind::Map;
  }
  for (const model::ValueMember& member : parameters.members) {
    model::Value text;
    text.kind = model::Value::Kind::String;
    text.text = member.second.python_str();
    std::string name = "AZUREML_SWEEP_" + member.first;
    auto at = std::lower_bound(
        variables.members.begin(), variables.members.end(), name,
        [](const model::ValueMember& m, const std::string& key) { return m.first < key; });
    if (at != variables.members.end() && at->first == name) continue;  // the spec's own wins
    variables.members.insert(at, model::ValueMember(name, std::move(text)));
  }
  auto spec = std::make_shared<model::Spec>();
  spec->body = std::move(job);
  return spec;
}

}  // namespace jobc
