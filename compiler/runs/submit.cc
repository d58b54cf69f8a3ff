#include "jobc/submit.h"

#include <fmt/format.h>
#include <unistd.h>

#include <iostream>

#include "jobc/artifact_writer.h"
#include "jobc/model/spec.h"
#include "jobc/snapshot.h"
#include "runs/compute_target.h"
#include "runs/monitor.h"
#include "runs/monitor_config.h"
#include "runs/prepared_run.h"
#include "runs/run_credentials.h"
#include "runs/run_inputs.h"
#include "runs/tracking/tracking_process.h"
#include "runs/unrecorded_runs.h"
#include "support/private_files.h"

namespace jobc {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// Where the environment's image is used instead, for the note that a backend ignores it:
// " (--compute docker runs inside it)".
std::string image_runner_hint() {
  for (const BackendEntry& entry : backend_registry()) {
    if (entry.capabilities.builds_images && entry.capabilities.on_this_machine &&
        !entry.builtin_names.empty()) {
      return fmt::format(" (--compute {} runs inside it)", entry.builtin_names.front());
    }
  }
  return "";
}

// A new run's folder, removed again unless the run gets recorded: a submit that fails before
// that (the backend cannot prepare the job: no engine, a failed image build, no token; or
// an I/O error) leaves no run behind, only its error, instead of an unlisted folder holding
// a copy of the code. Until then the folder is claimed by this process, so that a later
// jobc removes it if this one is killed (unrecorded_runs.h).
class UnrecordedRunFolder {
 public:
  explicit UnrecordedRunFolder(fs::path dir) : dir_(std::move(dir)) {}
  ~UnrecordedRunFolder() {
    std::error_code ignored;
    if (!recorded_) fs::remove_all(dir_, ignored);
  }
  UnrecordedRunFolder(const UnrecordedRunFolder&) = delete;
  UnrecordedRunFolder& operator=(const UnrecordedRunFolder&) = delete;
  Status claim() { return claim_run_folder(dir_); }
  void recorded() {
    recorded_ = true;
    release_run_folder(dir_);
  }

 private:
  fs::path dir_;
  bool recorded_ = false;
};

// Backend::start_from_submitter, for a recorded run. False when there is nothing left for a
// monitor to do: the job was refused (the run is recorded Failed and `submission` says why),
// or its id could not be recorded (the run was canceled meanwhile; the job is stopped).
bool start_from_submitter(Backend& backend, RunContext& context, RunStore& store,
                          Submission& submission) {
  Backend::QuickStartResult quick = backend.start_from_submitter(context);
  const std::string& why = quick.reason;
  switch (quick.outcome) {
    case Backend::QuickStart::Deferred:
      return true;
    case Backend::QuickStart::Refused:
      end_unstarted_run(store, context, RunStatus::Failed, "could not start: " + why,
                        "could not start the job: " + why);
      submission.run = context.run;
      submission.start_error = why;
      return false;
    case Backend::QuickStart::Started:
      break;
  }
  return record_started(backend, context, store, submission);
}

}  // namespace

bool record_started(Backend& backend, RunContext& context, RunStore& store,
                    Submission& submission) {
  apply_phase(context.run, backend.phase());
  submission.run = context.run;
  // What the backend learned starting the job (the service's page of it) is for the monitor
  // and `runs show` too.
  if (Status saved = write_monitor_config(store.home(), context); !saved) {
    submission.notices.push_back("could not update monitor.json: " + saved.error().message);
  }
  Status updated = store.update(context.run);
  if (updated) return true;
  // The job's id is not on the run: it was canceled meanwhile (a cancel that could not reach
  // the job), or the store failed. No job may run unrecorded: stop it, and fail the run
  // unless the cancel ended it first.
  (void)backend.stop_orphaned(context);
  (void)store.finish(context.run.id, RunStatus::Failed, std::nullopt,
                     "could not record the job's id: " + updated.error().message);
  if (auto ended = find_if_readable(store, context.run.id)) submission.run = *ended;
  return false;
}

Result<Snapshot> snapshot_job_code(const model::JobCommon& job, const model::CommandBody& body,
                                   const fs::path& home) {
  fs::path code =
      body.code_folder.empty() ? job.source.dir / body.code.value_or(".") : body.code_folder;
  return snapshot_code(code, home / "snapshots", home);
}

const CompileResult* compiled_for_target(const CompileResult& as_compiled,
                                         const ComputeTarget& target, CompileResult& again,
                                         DiagnosticSink& sink) {
  const model::Spec* spec = as_compiled.model.get();
  const model::JobCommon* job = spec ? spec->job() : nullptr;
  // --compute naming another compute spec than the job's own: what its backend uses (a Slurm
  // payload) is made for that compute, as `jobc compile` makes it for a job that names it.
  if (!job || !target.compute || job->compute.spec == target.compute) return &as_compiled;
  CompileOptions options;
  options.scope = as_compiled.scope;
  options.job_name = as_compiled.job_name;
  again = compile_for_backend(spec_on_compute(*spec, target), *target.backend, options, sink);
  return sink.has_errors() ? nullptr : &again;
}

Result<Submission> submit_job(const LoadedSpec& spec, const CompileResult& compiled,
                              const SubmitOptions& options, RunStore& store, SourceManager& sources,
                              DiagnosticSink& sink) {
  (void)spec;  // compiled.model is what was compiled from it
  return submit_job(compiled, options, store, sources, sink);
}

Result<PreparedRun> prepare_run(const CompileResult& as_compiled, const SubmitOptions& options,
                                RunStore& store, SourceManager& sources, DiagnosticSink& sink) {
  const model::Spec* spec = as_compiled.model.get();
  // A command job, or a sweep handed whole to a backend that runs sweeps itself (Azure ML).
  const model::JobCommon* job = spec ? spec->job() : nullptr;
  const model::CommandBody* body = spec ? spec->command_body() : nullptr;
  if (!job || !body) return fail("only command jobs and sweeps can be submitted");
  const model::CommandJob* command_job = spec->command_job();
  const Error spec_errors = fail("the job cannot run as written");  // its diagnostics say why
  auto target = resolve_compute(*job, options.compute, sources, sink);
  if (!target || !check_job_for_backend(*target, *body, sink)) return spec_errors;
  const BackendEntry& entry = *target->backend;
  if (!check_inputs_for_backend(*job, entry, sink)) return spec_errors;
  if (!command_job && !entry.capabilities.native_sweeps) {
    return fail("the " + entry.name +
                " backend runs a sweep's trials one by one: submit it "
                "with jobc submit, which runs the sweep's controller");
  }
  CompileResult retargeted;
  const CompileResult* compiled_for = compiled_for_target(as_compiled, *target, retargeted, sink);
  if (!compiled_for) return spec_errors;
  const CompileResult& compiled = *compiled_for;
  PreparedRun prepared;
  prepared.backend = entry.make ? entry.make() : nullptr;
  if (!prepared.backend)
    return fail("the " + entry.name + " backend is not available in this build of jobc");
  Backend* backend = prepared.backend.get();
  Submission& submission = prepared.submission;
  RunContext& context = prepared.context;
  RunRecord& run = submission.run;
  run.experiment = job->experiment();
  const RunContext* queued = options.queued;
  run.id = queued ? queued->run.id : new_run_id(run.experiment);
  run.name = !options.run_name.empty() ? options.run_name : job->name.value_or(run.id);
  run.parent_id = options.parent_id;
  run.display_name = job->display_name.value_or("");
  run.created_ms = now_ms();
  run.backend = entry.name;
  run.spec_hash = job->source.content_digest;
  submission.run_dir = store.run_dir(run.id);

  context.run_dir = submission.run_dir;
  context.work_dir = submission.run_dir / "work";
  context.artifacts_dir = submission.run_dir / "artifacts";
  context.log_file = submission.run_dir / "std_log.txt";
  context.timeout_seconds = command_job ? command_job->timeout.value_or(0) : 0;
  if (!command_job) run.job_type = "sweep";  // the backend's service keeps its limits
  context.compute = compute_json(target->compute.get());
  RunCredentials credentials = run_credentials(*spec, entry, target->compute.get());
  context.withheld_variables = credentials.all();
  // The monitor has no use for the registry's password (the image is ready by then).
  prepared.monitor_withheld = credentials.submitter_only;

  UnrecordedRunFolder folder(submission.run_dir);
  if (Status claimed = folder.claim(); !claimed) return claimed.error();
  std::ostream& progress = options.progress ? *options.progress : std::cerr;
  InputPreparation inputs{store.home(), &progress, &progress == &std::cerr && isatty(STDERR_FILENO),
                          &submission.warnings};
  if (Status prepared = prepare_run_inputs(*job, entry, inputs, context); !prepared)
    return prepared.error();
  WriteReport written = write_artifacts(compiled.outputs, context.artifacts_dir, WriteMode::Write);
  if (!written.errors.empty()) return fail(written.errors.front());
  if (options.code_snapshot) {
    if (Status made = materialize_snapshot(*options.code_snapshot, context.work_dir); !made)
      return made.error();
  } else if (body->code) {
    auto snapshot = snapshot_job_code(*job, *body, store.home());
    if (!snapshot) return snapshot.error();
    for (const std::string& warning : snapshot->warnings) submission.warnings.push_back(warning);
    if (Status made = materialize_snapshot(*snapshot, context.work_dir); !made) return made.error();
  } else {
    std::error_code ec;
    fs::create_directories(context.work_dir, ec);
    if (ec) return fail("cannot create " + context.work_dir.string() + ": " + ec.message());
  }
  SubmitContext prepare{
      compiled,
      context,
      progress,
      options.rebuild,
      target->compute.get(),
      [&](const fs::path& staging) { note_run_staging(context.run_dir, staging); },
      target->shown};
  if (options.rebuild && !entry.capabilities.builds_images) {
    submission.notices.push_back("--rebuild: the " + entry.name +
                                 " backend builds no image; nothing to rebuild");
  }
  if (Status prepared = backend->prepare(prepare); !prepared) return prepared.error();
  if (queued) {  // what the backend queued the run as, and the token its job was given
    run.backend_job_id = queued->run.backend_job_id;
    for (const auto& [key, value] : queued->backend_state.items()) {
      context.backend_state[key] = value;
    }
    context.tracking_environment = queued->tracking_environment;
  }
  if (entry.capabilities.ignores_environment_image && body->environment) {
    submission.notices.push_back(fmt::format(
        "the {} backend runs the command with this machine's programs; the environment's "
        "image is not used{}",
        entry.name, image_runner_hint()));
  }
  context.run = run;
  // monitor.json before the record: its time tells a reconcile that the run is just starting.
  if (Status saved = write_monitor_config(store.home(), context); !saved) return saved.error();
  if (Status inserted = store.insert(run); !inserted) return inserted.error();
  folder.recorded();
  // A job this process may start itself gets its tracking endpoint from here, and the monitor
  // keeps it running; otherwise the monitor serves it when it starts the job.
  if ((backend->starts_from_submitter() || queued) && backend->reaches_tracking()) {
    if (auto served = serve_run_tracking(store.home(), context, *backend)) {
      prepared.tracking = std::move(*served);
    } else {
      submission.notices.push_back("no MLflow tracking for this run: " + served.error().message);
    }
  }
  return prepared;
}

Result<Submission> hand_to_monitor(PreparedRun& prepared, RunStore& store) {
  Submission& submission = prepared.submission;
  RunContext& context = prepared.context;
  bool started = !context.run.backend_job_id.empty();
  int control = prepared.tracking && started ? prepared.tracking->release_control() : -1;
  Result<pid_t> monitor = start_monitor(submission.run_dir, prepared.monitor_withheld, control);
  if (control >= 0) close(control);
  if (!monitor) {
    (void)store.finish(context.run.id, RunStatus::Failed, std::nullopt, monitor.error().message);
    return monitor.error();
  }
  return submission;
}

Result<Submission> submit_job(const CompileResult& compiled, const SubmitOptions& options,
                              RunStore& store, SourceManager& sources, DiagnosticSink& sink) {
  Result<PreparedRun> prepared = prepare_run(compiled, options, store, sources, sink);
  if (!prepared) return prepared.error();
  if (!start_from_submitter(*prepared->backend, prepared->context, store, prepared->submission)) {
    return prepared->submission;
  }
  return hand_to_monitor(*prepared, store);
}

}  // namespace jobc
