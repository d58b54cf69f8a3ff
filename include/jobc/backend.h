// The Backend interface: how a compiled job runs somewhere (local processes, a Docker
// engine, a Slurm cluster, Azure ML). A backend is driven by the run monitor, the jobc
// process that owns a run from start to final status.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <ostream>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "jobc/model/compute.h"
#include "jobc/result.h"
#include "jobc/run_record.h"

namespace jobc {

struct CompileResult;

// Everything a backend needs to run one job.
struct RunContext {
  RunRecord run;
  std::filesystem::path run_dir;        // $JOBC_HOME/runs/<id>
  std::filesystem::path work_dir;       // run_dir/work: the code, outputs/ and logs/
  std::filesystem::path artifacts_dir;  // run_dir/artifacts: what `jobc compile` wrote
  std::filesystem::path log_file;       // run_dir/std_log.txt: the job's stdout and stderr
  long long timeout_seconds = 0;        // limits.timeout; 0 = none
  // Variables the job's processes get, e.g. JOBC_INPUT_<name> for local input paths.
  std::map<std::string, std::string> environment;
  // Whether the job may change an input's path, by its JOBC_INPUT_<name> variable: false for
  // mode rw_mount or download, true for ro_mount; an input not named here gets the backend's
  // default (writable on local, read-only on Docker).
  std::map<std::string, bool> input_read_only;
  // Names of the credentials jobc uses for this run (the registry's password_env, a Slurm
  // token_env): the job's processes never get these variables. Names only, never values.
  std::vector<std::string> withheld_variables;
  // MLflow's variables for the job (MLFLOW_TRACKING_URI, its token...), set by whoever serves
  // the run's tracking endpoint: the job gets them with `environment`; never saved.
  std::map<std::string, std::string> tracking_environment;
  // The unix socket of the run's MLflow tracking endpoint, when the backend asked for one
  // (Backend::tracking_over_socket); set by the monitor, never saved.
  std::filesystem::path tracking_socket;
  // The compute spec the job runs on ({} for the built-in `local` and `docker`), and what
  // a backend's prepare() chose to keep for the monitor (an image tag, a staging folder).
  // Saved in monitor.json: never a secret.
  nlohmann::json compute = nlohmann::json::object();
  nlohmann::json backend_state = nlohmann::json::object();
};

// What prepare() sees: the job as compiled (its model, environment recipe, job name and
// artifacts; a backend never compiles again nor reads the spec's document). It runs in the
// submitting jobc, which has the user's terminal, before the monitor starts.
struct SubmitContext {
  const CompileResult& compiled;
  RunContext& run;
  std::ostream& progress;  // build output, pull progress: the user sees it live
  bool rebuild = false;    // jobc submit --rebuild: build the image even if it exists
  // The compute spec the job runs on (--compute, or the job's `compute:`); null for a
  // built-in name (local, docker). The backend keeps what the monitor needs of it in
  // run.compute (monitor.json), never a secret.
  const model::Compute* compute = nullptr;
  // Call before making a folder outside the run's (a Slurm stage): a submit abandoned from
  // then on (jobc killed) removes it with the run's folder. Null: nothing to tell.
  std::function<void(const std::filesystem::path&)> note_staging = nullptr;
  // How the job names its compute (--compute, or the job's `compute:`): "azureml:cpu-cluster",
  // a built-in name, or a compute spec's path.
  std::string compute_name = {};
};

struct JobExit {
  int code = 0;    // the exit status when the job exited
  int signal = 0;  // the signal that ended it, if any
  // Why it ended, when the backend knows better than the exit status (a time limit, a node
  // failure): the run then fails with this reason. With `canceled` (canceled outside jobc,
  // e.g. by scancel) the run is recorded Canceled with it.
  std::string reason = {};
  bool canceled = false;
};

// What a job that has not ended is doing, as the run store records it: Running, or Queued
// while it waits for resources (a Slurm job PENDING in the queue), with why.
struct JobPhase {
  RunStatus status = RunStatus::Running;
  std::string reason = {};
  // When the job started running, if the backend knows (Slurm's start_time); 0: the monitor
  // takes the time it first sees the job Running.
  int64_t started_ms = 0;
  bool operator==(const JobPhase&) const = default;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;
  // In the submitting process: make the job ready to start (build or pull an image, stage
  // files). Most backends need nothing.
  virtual Status prepare(SubmitContext& /*context*/) { return {}; }
  // Starts the job; sets context.run.backend_job_id.
  virtual Status start(RunContext& context) = 0;
  // In the submitting process, once the run is recorded: one quick attempt to hand the job
  // to a scheduler (a single request), so `jobc submit` returns with the job accepted or
  // refused, as sbatch does. Started: context.run has the job's id and the monitor adopts
  // the job. Refused: `reason` says why; the run fails. Deferred (no such quick path, or the
  // scheduler is unreachable right now): the monitor calls start() as usual.
  enum class QuickStart { Deferred, Started, Refused };
  struct QuickStartResult {
    QuickStart outcome = QuickStart::Deferred;
    std::string reason = {};  // Refused: why
  };
  virtual QuickStartResult start_from_submitter(RunContext& /*context*/) { return {}; }
  // Whether start_from_submitter() may start the job (then the submitting jobc serves its
  // tracking endpoint first, and hands it to the monitor).
  virtual bool starts_from_submitter() const { return false; }
  // Whether queue_group() can queue several runs as one scheduler job (a Slurm job array)
  // before they are prepared: a sweep's trials then go together, and at once.
  virtual bool queues_groups() const { return false; }
  // What queue_group() gets. Every run of a group has the same job but for what its own
  // prepared files hold (a trial's parameters are in its launch script), so `compiled` is the
  // first run's job, compiled for `compute`. Each context holds only its run's id, folder and
  // MLflow variables, all but MLFLOW_TRACKING_URI (no endpoint serves it yet).
  struct GroupQueue {
    const CompileResult& compiled;
    const model::Compute* compute;  // the compute spec the runs go to; null for a built-in
    std::vector<RunContext*> runs;
    long long max_running = 0;  // at most this many running at once; 0: no limit
  };
  // In the submitting process, before any run of the group is prepared: queues them as one
  // scheduler job whose part for each run waits until release_queued() says it is prepared.
  // Sets each context's run.backend_job_id and backend_state (what its monitor needs), and
  // compute. An error: nothing was queued.
  virtual Status queue_group(const GroupQueue& group) {
    (void)group;
    return fail("this backend cannot queue several runs as one job");
  }
  // After prepare() of a run that queue_group() queued, its tracking variables complete:
  // lets the run's part of the job begin. An error: it must not begin (the caller stops it
  // with stop_orphaned() and fails the run).
  virtual Status release_queued(RunContext& context) {
    (void)context;
    return fail("this backend queues no runs");
  }
  // In the monitor, instead of start(): takes over the job start_from_submitter() started,
  // from context.run.backend_job_id.
  virtual Status adopt(RunContext& /*context*/) {
    return fail("this backend cannot take over a job started elsewhere");
  }
  // Whether this backend's jobs get an MLflow tracking endpoint: the monitor then serves one
  // on 127.0.0.1 before start() and puts MLflow's variables in context.environment.
  virtual bool reaches_tracking() const { return false; }
  // Whether the job reaches it through a unix socket (a container without a network): the
  // monitor then sets context.tracking_socket for start() to mount into the job.
  virtual bool tracking_over_socket(const RunContext& /*context*/) const { return false; }
  // The address the endpoint listens on: loopback, unless the job runs on other machines.
  virtual std::string tracking_listen_host(const RunContext& /*context*/) const {
    return "127.0.0.1";
  }
  // MLFLOW_TRACKING_URI as the job's processes see it, the server listening on
  // 127.0.0.1:`port`.
  virtual std::string tracking_uri(const RunContext& /*context*/, int /*port*/) const { return {}; }
  // The run's outputs/ as the job's processes see it, a file:// URI: the MLflow run's
  // artifact_uri, where log_artifact() copies files.
  virtual std::string artifact_uri(const RunContext& /*context*/) const { return {}; }
  // Waits up to `wait_ms` for the job; its exit when it has ended.
  virtual std::optional<JobExit> poll(RunContext& context, int wait_ms) = 0;
  // The job's phase as of the last start() or poll(); before start(), the phase the run is
  // recorded in while it starts. Backends whose jobs wait in a queue override it.
  virtual JobPhase phase() const { return {}; }
  // Asks the job to stop (force=false: SIGTERM or its like; force=true: SIGKILL).
  virtual void stop(RunContext& context, bool force) = 0;
  // Brings outputs/ and logs/ back into context.work_dir (a no-op where they already are).
  virtual void collect(RunContext& /*context*/) {}
  // Stops, at once, the job of a run whose monitor is gone (`jobc runs cancel`, and the
  // reconciliation of runs whose monitor died), from another process than the one that
  // started it: from what the context records (the run's backend_job_id, and monitor.json's
  // compute and backend_state). Ok when nothing of the job is left running.
  virtual Status stop_orphaned(RunContext& /*context*/) { return {}; }
  // How the job of a run whose monitor is gone exited, when it ended on its own and left its
  // exit status behind; nullopt when unknown (still running, or killed with its monitor).
  virtual std::optional<JobExit> orphaned_exit(RunContext& /*context*/) { return std::nullopt; }
};

}  // namespace jobc
