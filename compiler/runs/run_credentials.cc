#include "runs/run_credentials.h"

#include "backends/slurm/slurm_client.h"

namespace jobc {
namespace {

using json = nlohmann::json;

// The job's environment mapping: inline, or the environment file it names.
const json* environment_of(const LoadedSpec& spec) {
  auto inline_env = spec.doc.root.find("environment");
  if (inline_env == spec.doc.root.end()) return nullptr;
  if (inline_env->is_object()) return &*inline_env;
  auto reference = spec.references.find("/environment");
  if (reference == spec.references.end()) return nullptr;  // azureml:...: not built here
  return &reference->second->doc.root;
}

}  // namespace

std::vector<std::string> RunCredentials::all() const {
  std::vector<std::string> names = submitter_only;
  names.insert(names.end(), monitor_uses.begin(), monitor_uses.end());
  return names;
}

RunCredentials run_credentials(const LoadedSpec& spec, const std::string& backend,
                               const json& compute) {
  RunCredentials credentials;
  if (const json* environment = environment_of(spec); environment && environment->is_object()) {
    auto registry = environment->find("registry");
    if (registry != environment->end() && registry->is_object()) {
      auto variable = registry->find("password_env");
      if (variable != registry->end() && variable->is_string() &&
          !variable->get<std::string>().empty()) {
        credentials.submitter_only.push_back(variable->get<std::string>());
      }
    }
  }
  if (backend == "slurm") {
    std::string variable = slurm::token_variable(compute);
    if (!variable.empty()) credentials.monitor_uses.push_back(variable);
  }
  return credentials;
}

}  // namespace jobc
