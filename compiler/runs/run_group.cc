// Runs queued as one scheduler job before they are prepared (prepared_run.h).
#include "jobc/model/spec.h"
#include "jobc/run_store.h"
#include "runs/monitor.h"
#include "runs/prepared_run.h"
#include "support/secret_token.h"

namespace jobc {

Result<QueuedGroup> queue_run_group(const CompileResult& compiled, const SubmitOptions& options,
                                    size_t count, long long max_running, RunStore& store,
                                    SourceManager& sources, DiagnosticSink& sink) {
  const model::Spec* spec = compiled.model.get();
  const model::JobCommon* job = spec ? spec->job() : nullptr;
  if (!job || !spec->command_body()) return fail("only command jobs can be queued as a group");
  if (count == 0) return fail("no runs to queue");
  auto target = resolve_compute(*job, options.compute, sources, sink);
  if (!target) return fail("the job cannot run as written");  // its diagnostics say why
  const BackendEntry& entry = *target->backend;
  QueuedGroup group;
  group.backend = entry.make ? entry.make() : nullptr;
  if (!group.backend || !group.backend->queues_groups()) {
    return fail("the " + entry.name + " backend cannot queue several runs as one job");
  }
  CompileResult retargeted;
  const CompileResult* compiled_for = compiled_for_target(compiled, *target, retargeted, sink);
  if (!compiled_for) return fail("the job cannot run as written");

  group.runs.resize(count);
  std::vector<RunContext*> runs;
  for (RunContext& context : group.runs) {
    RunRecord& run = context.run;
    run.experiment = job->experiment();
    run.id = new_run_id(run.experiment);
    run.parent_id = options.parent_id;
    run.backend = entry.name;
    context.run_dir = store.run_dir(run.id);
    context.work_dir = context.run_dir / "work";
    context.artifacts_dir = context.run_dir / "artifacts";
    context.log_file = context.run_dir / "std_log.txt";
    if (group.backend->reaches_tracking()) {
      auto token = new_secret_token("a tracking token");
      if (!token) return token.error();
      context.tracking_environment = tracking_variables(run.id, run.experiment, *token, "");
    }
    runs.push_back(&context);
  }
  Backend::GroupQueue queue{*compiled_for, target->compute.get(), runs, max_running};
  if (Status queued = group.backend->queue_group(queue); !queued) return queued.error();
  return group;
}

void stop_queued_group(QueuedGroup& group) {
  if (!group.backend) return;
  for (RunContext& run : group.runs) (void)group.backend->stop_orphaned(run);
}

Result<Submission> start_queued_run(const CompileResult& compiled, const SubmitOptions& options,
                                    QueuedGroup& group, size_t index, RunStore& store,
                                    SourceManager& sources, DiagnosticSink& sink) {
  RunContext& queued = group.runs.at(index);
  SubmitOptions own = options;
  own.queued = &queued;
  Result<PreparedRun> prepared = prepare_run(compiled, own, store, sources, sink);
  if (!prepared) {
    (void)group.backend->stop_orphaned(queued);  // its part would wait for nothing
    return prepared.error();
  }
  Backend& backend = *prepared->backend;
  RunContext& context = prepared->context;
  Submission& submission = prepared->submission;
  if (Status released = backend.release_queued(context); !released) {
    (void)backend.stop_orphaned(context);
    const std::string& why = released.error().message;
    end_unstarted_run(store, context, RunStatus::Failed, "could not start: " + why,
                      "could not start the job: " + why);
    submission.run = context.run;
    submission.start_error = why;
    return submission;
  }
  if (!record_started(backend, context, store, submission)) return submission;
  return hand_to_monitor(*prepared, store);
}

}  // namespace jobc
