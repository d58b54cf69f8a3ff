#include "runs/run_credentials.h"

namespace jobc {

std::vector<std::string> RunCredentials::all() const {
  std::vector<std::string> names = submitter_only;
  names.insert(names.end(), monitor_uses.begin(), monitor_uses.end());
  return names;
}

RunCredentials run_credentials(const model::Spec& spec, const BackendEntry& backend,
                               const model::Compute* compute) {
  RunCredentials credentials;
  // The job's inline environment or its environment file; a registered one is not built here.
  if (const model::Environment* environment = spec.environment();
      environment && environment->registry) {
    std::string variable = environment->registry->password_env.value_or("");
    if (!variable.empty()) credentials.submitter_only.push_back(variable);
  }
  if (compute && backend.credential_variables) {
    credentials.monitor_uses = backend.credential_variables(*compute);
  }
  return credentials;
}

}  // namespace jobc
