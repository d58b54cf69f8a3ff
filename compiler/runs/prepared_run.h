// submit_job in two halves, for callers that start several runs as one scheduler job (a
// sweep's trials as a Slurm job array): prepare_run records a run ready to start, and
// start_run_group hands a batch of them to their backend at once, then to their monitors.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "jobc/backend.h"
#include "jobc/submit.h"
#include "runs/tracking/tracking_process.h"

namespace jobc {

// A run recorded Queued, its job prepared by its backend but not started.
struct PreparedRun {
  Submission submission;
  RunContext context;
  std::unique_ptr<Backend> backend;
  // Its MLflow endpoint, served from this process until the monitor takes it over; null
  // when the monitor serves it (a backend that starts its jobs from the monitor).
  std::unique_ptr<TrackingProcess> tracking;
  std::vector<std::string> monitor_withheld;  // credentials the monitor does not get either
};

// submit_job up to the start: the checks, the run's folder, its record and endpoint. Errors
// as submit_job's.
Result<PreparedRun> prepare_run(const CompileResult& compiled, const SubmitOptions& options,
                                RunStore& store, SourceManager& sources, DiagnosticSink& sink);

// Starts the monitor of a run whose job was started from this process (its backend_job_id
// set), or that the monitor starts itself.
Result<Submission> hand_to_monitor(PreparedRun& run, RunStore& store);

// Starts `runs`, prepared on one backend whose starts_groups() is true, as one job that runs
// at most `max_running` of them at once (0: all), and hands each to its monitor. One result
// per run, in order: a group the backend refuses is recorded Failed for every run, each
// Submission saying why in start_error.
std::vector<Result<Submission>> start_run_group(std::vector<PreparedRun>& runs,
                                                long long max_running, RunStore& store);

}  // namespace jobc
