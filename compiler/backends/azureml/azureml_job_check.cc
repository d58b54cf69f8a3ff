#include "backends/azureml/azureml_job_check.h"

#include <fmt/format.h>

namespace jobc::azureml {

void check_job(const model::CommandBody& body, const model::Compute* /*compute*/,
               DiagnosticSink& sink) {
  if (!body.environment || !body.environment->spec) return;
  const model::Environment& environment = *body.environment->spec;
  if (!environment.registry) return;
  const model::Registry& registry = *environment.registry;
  bool has_credentials = registry.username || registry.password_env || registry.password_file;
  if (!has_credentials) return;
  std::string address = registry.address.value_or("the registry");
  Location at = registry.username       ? registry.username.at
                : registry.password_env ? registry.password_env.at
                                        : registry.password_file.at;
  sink.report(
      DiagCode::NotAllowedValue, at,
      fmt::format("Azure ML does not take registry credentials with a job; the workspace pulls "
                  "from {} itself",
                  address),
      {fmt::format("give the workspace a connection to it (az ml connection create, category "
                   "ContainerRegistry, target {}, with this username and password), or, for an "
                   "Azure Container Registry, grant the workspace's managed identity AcrPull on "
                   "it",
                   address),
       "then remove username and password from the environment's registry: (jobc's Docker "
       "backend uses them; Azure ML uses the connection)"});
}

}  // namespace jobc::azureml
