#include "backends/azureml/job_payload.h"

#include "backends/azureml/job_settings.h"
#include "backends/azureml/rest_values.h"

namespace jobc::azureml {

nlohmann::json command_job_body(const AzureMlContext& context, const model::CommandJob& job,
                                const JobAssets& assets) {
  const model::CommandBody& body = job.body;
  nlohmann::json properties = job_base_properties(context, job, "Command", assets);
  properties["command"] = map_single_brackets(body.command.text.value_or(""));
  if (assets.code) properties["codeId"] = assets.code->id;
  if (assets.environment) properties["environmentId"] = assets.environment->id;
  properties["environmentVariables"] = string_map(body.environment_variables);
  nlohmann::json resources = rest_resources(body.resources);
  if (assets.compute.kind == ComputeTarget::Local) {
    // A local run: no computeId; the service learns it from this property (the format of the
    // October API, which it matches exactly), and the job uses the common runtime.
    if (resources.is_null()) resources = rest_resources(model::Resources{});
    resources["properties"]["IsLocal"] = {{"IsLocal", true}};
    properties["environmentVariables"]["AZUREML_COMPUTE_USE_COMMON_RUNTIME"] = "true";
  }
  if (!resources.is_null()) properties["resources"] = resources;
  for (auto [key, rest] : {std::pair{"distribution", rest_distribution(body.distribution)},
                           std::pair{"limits", rest_command_limits(job)}}) {
    if (!rest.is_null()) properties[key] = rest;
  }
  return {{"properties", properties}};
}

}  // namespace jobc::azureml
