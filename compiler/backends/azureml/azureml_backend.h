// The azureml backend: the job runs on an Azure ML compute cluster, as the official SDK's
// jobs.create_or_update() and jobs.stream() run it.
//  * prepare (the submitting jobc): a credential (DefaultAzureCredential's chain), the
//    workspace's default datastore and its key (in memory only), the job's local code, inputs
//    and build contexts uploaded with the SDK's protocol (azureml/uploads.json says which), the
//    compiled requests linked to the datastore and to this run (request_linking.h), the compute
//    created or attached (compute_attach.h), then the code and environment version PUTs.
//  * start_from_submitter: the job PUT; its name is the run's backend job id.
//  * adopt / poll (the run monitor): run history's details about every 2 s (backing off while
//    the job waits in the queue), the rank-0 logs appended to the run's log as they grow.
//  * stop: POST .../cancel, followed to the end; the job then ends Canceled.
//  * collect: the job's artifacts (outputs/, logs/...) and named outputs into the run's folder.
// monitor.json holds the ARM endpoint, the workspace's path, the job's name and its Studio URL:
// never a token or key; the monitor finds its credential in the environment again.
#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include "backends/azureml/service/arm_client.h"
#include "backends/azureml/service/job_watch.h"
#include "jobc/backend.h"

namespace jobc {

class AzureMlBackend : public Backend {
 public:
  // `transport` null: the real one (libcurl).
  explicit AzureMlBackend(std::shared_ptr<HttpTransport> transport = nullptr);

  std::string name() const override;
  Status prepare(SubmitContext& context) override;
  Status start(RunContext& context) override;
  QuickStartResult start_from_submitter(RunContext& context) override;
  Status adopt(RunContext& context) override;
  std::optional<JobExit> poll(RunContext& context, int wait_ms) override;
  JobPhase phase() const override { return phase_; }
  void stop(RunContext& context, bool force) override;
  void collect(RunContext& context) override;
  Status stop_orphaned(RunContext& context) override;

 private:
  using Clock = std::chrono::steady_clock;
  // The ARM client for the endpoint `context` records (made once, with a new credential).
  Result<azureml::ArmClient*> arm(const RunContext& context);
  // Retries of ARM calls are told in the run's log (std_log.txt, which --stream shows).
  void note_retries_in_log(const RunContext& context);
  azureml::JobAddress address(const RunContext& context) const;
  // One job PUT from the linked requests in the run's artifacts.
  Status put_job(RunContext& context);
  std::optional<JobExit> look(RunContext& context);

  std::shared_ptr<HttpTransport> transport_;
  std::unique_ptr<azureml::ArmClient> arm_;
  std::unique_ptr<azureml::JobWatch> watch_;
  JobPhase phase_{RunStatus::Queued, "submitting the job to Azure ML"};
  std::string last_status_;
  Clock::time_point next_look_{};
  std::optional<Clock::time_point> queued_since_;
  std::optional<Clock::time_point> failing_since_;
  std::chrono::milliseconds retry_interval_{2000};
  bool ended_ = false;
};

}  // namespace jobc
