// The requests of one spec in the order the SDK sends its ARM PUTs: for a job, its code
// version, then its anonymous environment, then the job; for an environment or a compute
// spec, its one PUT. Blob uploads and datastore lookups happen in between but are not ARM
// resources jobc describes: the submitter performs them for the LocalUpload paths named here.
#include "backends/azureml/requests.h"

#include "backends/azureml/arm_paths.h"
#include "backends/azureml/compute_payload.h"
#include "backends/azureml/job_payload.h"
#include "backends/azureml/sweep_payload.h"

namespace jobc {

nlohmann::json azureml_requests(AzureMlContext& context) {
  using namespace azureml;
  nlohmann::json requests = nlohmann::json::array();
  switch (context.spec.kind) {
    case SpecKind::Environment:
      if (auto environment = named_environment(context)) {
        requests.push_back(environment->request);
      }
      break;
    case SpecKind::Compute:
      if (auto compute = compute_request(context)) requests.push_back(*compute);
      break;
    case SpecKind::CommandJob:
    case SpecKind::SweepJob: {
      bool sweep = context.spec.kind == SpecKind::SweepJob;
      JobAssets assets = job_assets(context, sweep ? "/trial" : "");
      if (assets.code && !assets.code->request.is_null()) {
        requests.push_back(assets.code->request);
      }
      if (assets.environment && !assets.environment->request.is_null()) {
        requests.push_back(assets.environment->request);
      }
      nlohmann::json body =
          sweep ? sweep_job_body(context, assets) : command_job_body(context, assets);
      requests.push_back(put_request(named_resource_id(context.scope, kJobs, context.job_name),
                                     kJobsApiVersion, std::move(body)));
      break;
    }
  }
  return requests;
}

void emit_azureml(AzureMlContext& context, OutputSet& outputs) {
  nlohmann::json requests = azureml_requests(context);
  if (requests.empty()) return;  // a docker, slurm or local compute: nothing for Azure ML
  outputs.add("azureml/requests.json", requests.dump(2) + "\n");
}

}  // namespace jobc
