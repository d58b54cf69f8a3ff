// Following a submitted Azure ML job as the SDK's jobs.stream() does (run history's run
// details, rank 0's user_logs/std_log*.txt), but reading each log from where the last look
// stopped (Range) instead of downloading it whole every time; and cancelling it.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

#include "backends/azureml/service/arm_client.h"
#include "jobc/backend.h"
#include "jobc/result.h"

namespace jobc::azureml {

// Where a job is: its workspace's ARM path and the job's name.
struct JobAddress {
  std::string workspace_path;  // "/subscriptions/S/resourceGroups/G/providers/.../workspaces/W"
  std::string job_name;
  std::string job_type = "command";  // which log streams when no rank's does ("sweep")
};

// One look at the job: its run-history status ("Running", "Completed"...), its error message
// when it failed, and the warnings run history lists.
struct JobDetails {
  std::string status;
  std::string error;  // "(code) message" of RunDetails.error, when it failed
  std::vector<std::string> warnings;
  nlohmann::json raw;  // RunDetails as run history sent it
  // Logs this look could not read (the next look tries again from the same offset).
  std::vector<std::string> log_errors;
};

class JobWatch {
 public:
  JobWatch(ArmClient& arm, std::shared_ptr<HttpTransport> transport, JobAddress job);

  // GETs the run details (discovering run history's API from the workspace the first time),
  // and appends to `log` what the job's rank-0 log files gained since the last look, with
  // the SDK's "Streaming NAME" header before each new file. Keeps the offsets in memory.
  Result<JobDetails> look(std::ostream& log);

  // The offsets of the logs read so far (saved so another process can go on from there).
  nlohmann::json offsets() const;
  void restore_offsets(const nlohmann::json& offsets);

 private:
  ArmClient& arm_;
  std::shared_ptr<HttpTransport> transport_;
  JobAddress job_;
  std::string history_api_;                  // discovery's "api"
  std::map<std::string, uint64_t> offsets_;  // log file name -> bytes already written
};

// How long to wait before the next look, `waited` after the first: the SDK's
// max(2, 60/(1+100·e^(−t/20))) s: 2 s for about a minute, then rising toward 60 s, so a job
// queued for long is not polled every 2 s.
std::chrono::milliseconds look_interval(std::chrono::milliseconds waited);

// The jobc phase or exit an Azure ML status means: NotStarted, Queued, Preparing,
// Provisioning, Starting -> Queued (with the status as the reason); Running, Finalizing,
// CancelRequested -> Running; Completed -> exit 0; Failed, NotResponding -> exit 1 with the
// error as the reason; Canceled -> canceled.
std::variant<JobPhase, JobExit> job_state(const JobDetails& details);

// POST .../jobs/NAME/cancel and follow its long-running operation (Location) until the
// service accepts it; `progress` gets each poll's status.
Status cancel_job(ArmClient& arm, const JobAddress& job,
                  const std::function<void(std::string_view)>& progress = {});

// Brings an ended job's files back: its artifacts under ExperimentRun/dcid.NAME/ (outputs/,
// logs/, user_logs/...) from the workspace's artifact store into `destination` (outputs/ and
// logs/ where a local run has them), and each named output into
// destination/named-outputs/NAME/. Uses the datastores' keys from listSecrets.
Status download_job_files(ArmClient& arm, std::shared_ptr<HttpTransport> transport,
                          const JobAddress& job, const std::filesystem::path& destination);

}  // namespace jobc::azureml
