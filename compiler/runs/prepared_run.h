// submit_job in two halves, prepare_run (a run recorded, ready to start) and the start; and
// runs queued as one scheduler job before they are prepared (a sweep's trials as a Slurm job
// array): queue_run_group, then start_queued_run for each. Queuing first keeps the time until
// the scheduler has every run to one request, whatever preparing each one costs.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "jobc/backend.h"
#include "jobc/submit.h"
#include "runs/compute_target.h"
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

// Records the job's id a backend set on a run it started from this process. False when the
// run was canceled meanwhile, or the store failed: the job is stopped.
bool record_started(Backend& backend, RunContext& context, RunStore& store, Submission& submission);

// `as_compiled` as compiled for `target`: itself, or compiled again into `again` when
// --compute names another compute spec than the job's own. Null when that failed (its
// diagnostics are in `sink`).
const CompileResult* compiled_for_target(const CompileResult& as_compiled,
                                         const ComputeTarget& target, CompileResult& again,
                                         DiagnosticSink& sink);

// Runs queued as one scheduler job, not yet prepared: each context holds its run's id and
// folder, its tracking token and what the backend queued it as.
struct QueuedGroup {
  std::unique_ptr<Backend> backend;  // the one that queued them
  std::vector<RunContext> runs;
};

// Reserves `count` runs of `compiled`'s job (ids, tracking tokens) and queues them on the
// backend `options.compute` names, whose queues_groups() must be true, as one job running at
// most `max_running` at once (0: no limit). Nothing is recorded yet. Errors as submit_job's;
// on error nothing was queued.
Result<QueuedGroup> queue_run_group(const CompileResult& compiled, const SubmitOptions& options,
                                    size_t count, long long max_running, RunStore& store,
                                    SourceManager& sources, DiagnosticSink& sink);

// Stops every run's part of a queued group that will not be prepared.
void stop_queued_group(QueuedGroup& group);

// Prepares run `index` of `group` from its own compiled job (prepare_run), lets its part of
// the queued job begin (Backend::release_queued) and hands it to its monitor. A run that
// cannot be prepared or released has its part of the job stopped: no record when it was not
// prepared (the error says why), else recorded Failed with start_error saying why.
Result<Submission> start_queued_run(const CompileResult& compiled, const SubmitOptions& options,
                                    QueuedGroup& group, size_t index, RunStore& store,
                                    SourceManager& sources, DiagnosticSink& sink);

}  // namespace jobc
