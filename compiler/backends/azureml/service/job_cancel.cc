// Cancelling an Azure ML job, as `az ml job cancel` does: POST .../cancel, then the
// long-running operation it starts (Location polling, 202 while the service works on it).
#include "backends/azureml/service/job_watch.h"
#include "backends/azureml/service/service_call.h"

namespace jobc::azureml {

Status cancel_job(ArmClient& arm, const JobAddress& job,
                  const std::function<void(std::string_view)>& progress) {
  ArmCall call = service_call("POST", job.workspace_path + "/jobs/" + job.job_name + "/cancel",
                              "2022-10-01-preview", "cancel job " + job.job_name);
  auto started = arm.send(call);
  if (!started) return started.error();
  // 200: nothing to wait for (the job had already ended, or the service cancelled at once).
  if (started->status != 202) return {};
  auto done = arm.wait_for_operation(call, *started, progress);
  if (!done) return done.error();
  return {};
}

}  // namespace jobc::azureml
