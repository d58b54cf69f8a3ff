// The order matters: the SDK registers a job's code and environment before the job that names
// them. Blob uploads and datastore lookups happen in between but are not ARM resources jobc
// describes: the submitter performs them for the LocalUpload paths named here.
#include "backends/azureml/requests.h"

#include "backends/azureml/arm_paths.h"
#include "backends/azureml/compute_payload.h"
#include "backends/azureml/job_payload.h"
#include "backends/azureml/sweep_payload.h"

namespace jobc {

nlohmann::json azureml_requests(const AzureMlContext& context) {
  using namespace azureml;
  nlohmann::json requests = nlohmann::json::array();
  const model::Spec& spec = context.spec;
  if (const model::Environment* environment = spec.environment_spec()) {
    if (auto named = named_environment(context, *environment)) requests.push_back(named->request);
  } else if (const model::Compute* compute = spec.compute_spec()) {
    if (auto request = compute_request(context, *compute)) requests.push_back(*request);
  } else if (const model::CommandBody* body = spec.command_body()) {
    JobAssets assets = job_assets(context, *body);
    if (assets.code && !assets.code->request.is_null()) {
      requests.push_back(assets.code->request);
    }
    if (assets.environment && !assets.environment->request.is_null()) {
      requests.push_back(assets.environment->request);
    }
    nlohmann::json job = spec.sweep_job() ? sweep_job_body(context, *spec.sweep_job(), assets)
                                          : command_job_body(context, *spec.command_job(), assets);
    requests.push_back(put_request(named_resource_id(context.scope, kJobs, context.job_name),
                                   kJobsApiVersion, std::move(job)));
  }
  return requests;
}

}  // namespace jobc
