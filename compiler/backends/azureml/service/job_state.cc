// What run history's status of an Azure ML job means for jobc's run store.
#include <set>
#include <string>

#include "backends/azureml/service/job_watch.h"

namespace jobc::azureml {

std::variant<JobPhase, JobExit> job_state(const JobDetails& details) {
  const std::string& status = details.status;
  // Waiting for nodes, an image or a schedule: Queued, with the status as the reason.
  static const std::set<std::string> waiting = {"NotStarted",   "Queued",   "Preparing",
                                                "Provisioning", "Starting", "Scheduled"};
  if (waiting.count(status)) return JobPhase{RunStatus::Queued, "Azure ML job is " + status, 0};
  if (status == "Completed") return JobExit{};
  if (status == "Failed" || status == "NotResponding" || status == "Paused") {
    JobExit exit{1, 0, details.error, false};
    if (exit.reason.empty()) exit.reason = "Azure ML job ended " + status;
    if (status == "Paused") {
      // Paused ends the SDK's stream and counts as ended for its download: the job will not
      // go on without someone resuming it in the Studio.
      exit.reason = "Azure ML paused the job (status Paused); resume it in the Studio";
    }
    return exit;
  }
  if (status == "Canceled") return JobExit{0, 0, "canceled in Azure ML (status Canceled)", true};
  // Running, Finalizing, CancelRequested; Unknown and any status this version does not know
  // are taken as still running, so the next look decides.
  if (status == "Running" || status == "Finalizing" || status == "CancelRequested") {
    return JobPhase{RunStatus::Running, "", 0};
  }
  return JobPhase{RunStatus::Running, "Azure ML job status is " + status, 0};
}

}  // namespace jobc::azureml
