// What run history's status of an Azure ML job means for jobc's run store.
#include <ctime>
#include <iomanip>
#include <set>
#include <sstream>
#include <string>

#include "backends/azureml/service/job_watch.h"

namespace jobc::azureml {
namespace {

// Run history's startTimeUtc ("2026-11-30T20:12:38.250Z", or with 7 fractional digits and
// "+00:00") in ms since the epoch; 0 when absent or unreadable (the monitor then takes the
// time it first sees the job Running).
int64_t started_ms(const nlohmann::json& details) {
  auto found = details.find("startTimeUtc");
  if (found == details.end() || !found->is_string()) return 0;
  const std::string text = found->get<std::string>();
  std::tm parts{};
  std::istringstream in(text);
  in >> std::get_time(&parts, "%Y-%m-%dT%H:%M:%S");
  if (in.fail()) return 0;
  int64_t ms = int64_t(timegm(&parts)) * 1000;
  if (in.peek() == '.') {
    in.get();
    int64_t scale = 100;
    for (char c; in.get(c) && c >= '0' && c <= '9'; scale /= 10) ms += (c - '0') * scale;
  }
  return ms;
}

}  // namespace

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
    return JobPhase{RunStatus::Running, "", started_ms(details.raw)};
  }
  return JobPhase{RunStatus::Running, "Azure ML job status is " + status, started_ms(details.raw)};
}

}  // namespace jobc::azureml
