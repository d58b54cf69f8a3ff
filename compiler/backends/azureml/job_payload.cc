#include "backends/azureml/job_payload.h"

#include "backends/azureml/job_settings.h"
#include "backends/azureml/rest_values.h"

namespace jobc::azureml {

nlohmann::json command_job_body(const AzureMlContext& context, const JobAssets& assets) {
  nlohmann::json properties = job_base_properties(context, "Command", assets);
  const nlohmann::json* command = member_at(context, "/command");
  properties["command"] = map_single_brackets(command ? text_of(*command) : "");
  if (assets.code) properties["codeId"] = assets.code->id;
  if (assets.environment) properties["environmentId"] = assets.environment->id;
  properties["environmentVariables"] = string_map(member_at(context, "/environment_variables"));
  nlohmann::json resources = rest_resources(member_at(context, "/resources"));
  if (assets.compute.kind == ComputeTarget::Local) {
    // A local run: no computeId; the service learns it from this property (the format of the
    // October API, which it matches exactly), and the job uses the common runtime.
    static const nlohmann::json kNoResources = nlohmann::json::object();
    if (resources.is_null()) resources = rest_resources(&kNoResources);
    resources["properties"]["IsLocal"] = {{"IsLocal", true}};
    properties["environmentVariables"]["AZUREML_COMPUTE_USE_COMMON_RUNTIME"] = "true";
  }
  if (!resources.is_null()) properties["resources"] = resources;
  for (auto [key, rest] :
       {std::pair{"distribution", rest_distribution(member_at(context, "/distribution"))},
        std::pair{"limits", rest_command_limits(member_at(context, "/limits"))}}) {
    if (!rest.is_null()) properties[key] = rest;
  }
  return {{"properties", properties}};
}

}  // namespace jobc::azureml
