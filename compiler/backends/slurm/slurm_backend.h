// The slurm backend: the job runs as a batch job on a Slurm cluster, through slurmrestd.
//  * prepare (the submitting jobc): checks a token is there, takes the compiled job-submit
//    payload (slurm/job.json) with the run's id filled in, and stages the code snapshot, the
//    artifacts (through the one writer) and the local inputs in <staging_dir>/<run id>/. Slurm
//    enforces the time limit (limits.timeout rounded up to minutes, counted from the job's start,
//    not its time in the queue), so the monitor's own timer is turned off for the run.
//  * start (the run monitor): POST job/submit with the run id filled in; the Slurm job id
//    becomes the run's backend job id. The API version is the compute's api_version, else
//    the one GET /openapi/v3 offers.
//  * poll: GET job/<id> with backoff (0.2 s doubling to 2 s; reset when the state changes),
//    while the staged std_log.txt is copied into the run's log as it grows (every 50 ms).
//    The run is Queued (with Slurm's reason) until the job is RUNNING.
//    slurmrestd or slurmctld unreachable: retried with backoff (up to 10 s apart) for up to
//    5 minutes, then the run fails saying so.
//  * queue_group (the submitting jobc, a sweep's trials, before they are prepared): one POST
//    of a job array (slurm_array.h); run i is task i, "A_i". Each task waits until its stage
//    holds the ready file that release_queued writes once the run is prepared (staged, its
//    tracking endpoint serving), which also tells it the endpoint's URI. Its monitor adopts
//    it: GET job/A_i once the task is split out of the array, else GET job/A, whose meta
//    record says it is pending. While it waits, GET job/A_i backs off to 5 s and the whole
//    array is read again only every 30 s, or at once after a stop (every waiting task asking
//    for it would load slurmrestd). A pending task canceled leaves no record: the run ends
//    Canceled.
//  * stop: DELETE job/<id> (force: with signal KILL). collect: outputs/ and logs/ copied
//    back into the run's folder, then the staging folder removed (JOBC_KEEP_STAGING=1 keeps
//    it).
// The token is read from the compute's token_env or token_file by the process that needs
// it; it is never written to monitor.json, the payload or a log.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>

#include "backends/slurm/slurm_client.h"
#include "backends/slurm/slurm_compute.h"
#include "jobc/backend.h"

namespace jobc {

class SlurmBackend : public Backend {
 public:
  // `transport` null: the real one (libcurl). Tests pass a fake.
  explicit SlurmBackend(std::shared_ptr<HttpTransport> transport = nullptr);

  std::string name() const override { return "slurm"; }
  Status prepare(SubmitContext& context) override;
  Status start(RunContext& context) override;
  // One POST to slurmrestd; Deferred when it cannot be reached (the monitor retries).
  QuickStartResult start_from_submitter(RunContext& context) override;
  bool starts_from_submitter() const override { return true; }
  // A sweep's trials as one job array (slurm_array.h), queued before they are prepared: one
  // POST; run i becomes task i, its backend_job_id "A_i" (Slurm's notation: scancel A_i) and
  // backend_state array_job, array_task and the digest of the payload it was queued with.
  // The runs' payloads must differ only in their paths and environment. An error (a refusal,
  // payloads that cannot share an array, slurmrestd unreachable for a minute): nothing queued.
  bool queues_groups() const override { return true; }
  Status queue_group(const GroupQueue& group) override;
  // Checks that the run was prepared with the payload its task was queued with (their
  // digests), then writes STAGE/.jobc-ready (the tracking URI): the task begins.
  Status release_queued(RunContext& context) override;
  // MLflow tracking: the nodes reach the endpoint on this machine's address toward the
  // cluster (its route to slurmrestd), and see the run's outputs/ in the stage.
  bool reaches_tracking() const override { return true; }
  std::string tracking_listen_host(const RunContext& context) const override;
  std::string tracking_uri(const RunContext& context, int port) const override;
  std::string artifact_uri(const RunContext& context) const override;
  Status adopt(RunContext& context) override;
  std::optional<JobExit> poll(RunContext& context, int wait_ms) override;
  void stop(RunContext& context, bool force) override;
  void collect(RunContext& context) override;
  // Queued until Slurm reports the job RUNNING (submitting, then PENDING and why).
  JobPhase phase() const override { return phase_; }
  // Cancels the Slurm job, once (no retries: a reconciliation must not hang on slurmrestd).
  Status stop_orphaned(RunContext& context) override;
  // How the job exited, when stop_orphaned() found it had ended on its own.
  std::optional<JobExit> orphaned_exit(RunContext& context) override;

  // How often a pending array task reads its whole array's records again (a task canceled
  // from outside while it waits is seen that late); its own record is asked for as usual.
  void set_array_recheck(std::chrono::milliseconds every) { array_recheck_ = every; }
  // How long slurmrestd may stay unreachable during the wait before the run fails.
  void set_outage_limit(std::chrono::milliseconds limit) { outage_limit_ = limit; }

 private:
  using Clock = std::chrono::steady_clock;
  slurm::SlurmClient& client(const RunContext& context);
  std::optional<JobExit> query(RunContext& context);
  void copy_output(RunContext& context);
  static std::filesystem::path stage_of(const RunContext& context);
  // The compiled slurm/job.json, its run id a placeholder. Fails when the compilation has
  // none, or made it for another compute (its stage is elsewhere).
  static Result<nlohmann::json> compiled_payload(const CompileResult& compiled,
                                                 const slurm::SlurmCompute& compute);
  // `compiled` (compiled_payload's) for run `run_id`: the id in place of the placeholder, and
  // as the job's name when the job (`from`) has none.
  static nlohmann::json payload_for_run(nlohmann::json compiled, const CompileResult& from,
                                        const std::string& run_id);
  // What tells two runs' compiled payloads apart but their job name (prepare() records it
  // as prepared_payload, queue_group as queued_payload).
  static std::string payload_digest(nlohmann::json compiled);
  // The run's job-submit payload: its slurm/job.json for the run, with its tracking variables.
  static Result<nlohmann::json> submit_payload(const RunContext& context);
  // One submit attempt; on success records the job's id, phase and log line.
  slurm::SlurmResult<long long> submit_once(RunContext& context);
  // `submit` again while slurmrestd is unreachable, for up to a minute.
  slurm::SlurmResult<long long> submit_while_unreachable(
      const std::function<slurm::SlurmResult<long long>()>& submit);
  // An array task's record: its own once split out of the array, else what the array's meta
  // record says of it (pending); job_gone when Slurm has neither.
  slurm::SlurmResult<nlohmann::json> task_record(const RunContext& context);

  std::shared_ptr<HttpTransport> transport_;
  std::unique_ptr<slurm::SlurmClient> client_;
  slurm::JobRef job_;  // job 0: none yet
  uint64_t log_offset_ = 0;
  std::string last_state_;
  Clock::time_point next_query_{};
  std::chrono::milliseconds interval_{200};
  std::chrono::milliseconds retry_interval_{500};
  std::chrono::milliseconds outage_limit_{std::chrono::minutes(5)};
  std::optional<Clock::time_point> failing_since_;
  int gone_answers_ = 0;
  bool ended_ = false;         // Slurm reported the job ended
  bool seen_pending_ = false;  // an array task last seen pending in its array's meta record
  bool stop_asked_ = false;
  // What the array's records last said of a pending task, and when: read again only every
  // array_recheck_ (they are the whole array's), or at once after a stop.
  std::optional<nlohmann::json> pending_record_;
  Clock::time_point pending_read_{};
  std::chrono::milliseconds array_recheck_{std::chrono::seconds(30)};
  std::optional<JobExit> orphan_exit_;
  JobPhase phase_{RunStatus::Queued, "submitting the job to Slurm"};
};

}  // namespace jobc
