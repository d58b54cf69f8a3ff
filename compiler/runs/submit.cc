#include "jobc/submit.h"

#include <fmt/format.h>
#include <unistd.h>

#include <iostream>

#include "backends/make_backend.h"
#include "jobc/artifact_writer.h"
#include "jobc/model/spec.h"
#include "jobc/snapshot.h"
#include "runs/backend_factory.h"
#include "runs/monitor.h"
#include "runs/monitor_config.h"
#include "runs/run_credentials.h"
#include "runs/run_inputs.h"
#include "runs/unrecorded_runs.h"
#include "support/hash.h"
#include "support/private_files.h"

namespace jobc {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string experiment_of(const LoadedSpec& spec) {
  std::string experiment = spec.doc.root.value("experiment_name", std::string());
  if (!experiment.empty()) return experiment;
  // Azure ML's default: the name of the spec's folder.
  fs::path folder = fs::absolute(spec.doc.dir.empty() ? "." : spec.doc.dir).lexically_normal();
  if (folder.filename().empty()) folder = folder.parent_path();
  return folder.filename().string();
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
  bool claim(std::string& error) {
    Status claimed = claim_run_folder(dir_);
    if (!claimed) error = claimed.error().message;
    return claimed.ok();
  }
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
  apply_phase(context.run, backend.phase());
  submission.run = context.run;
  Status updated = store.update(context.run);
  if (updated) return true;
  std::string update_error = updated.error().message;
  // The job's id is not on the run: it was canceled meanwhile (a cancel that could not reach
  // the job), or the store failed. No job may run unrecorded: stop it, and fail the run
  // unless the cancel ended it first.
  (void)backend.stop_orphaned(context);
  (void)store.finish(context.run.id, RunStatus::Failed, std::nullopt,
                     "could not record the job's id: " + update_error);
  if (auto ended = store.find(context.run.id)) submission.run = *ended;
  return false;
}

}  // namespace

std::optional<Submission> submit_job(const LoadedSpec& spec, const CompileResult& compiled,
                                     const SubmitOptions& options, RunStore& store,
                                     DiagnosticSink& sink, std::string& error) {
  if (spec.kind != SpecKind::CommandJob) {
    error = "only command jobs can be submitted (sweep jobs run on Azure ML)";
    return std::nullopt;
  }
  SourceManager sources;
  auto target = resolve_compute(spec, options.compute, sources, sink);
  if (!target || !check_job_for_backend(*target, spec, sink)) return std::nullopt;
  if (!check_inputs_for_backend(spec, target->backend, sink)) return std::nullopt;
  std::unique_ptr<Backend> backend = registry_backend(target->backend, json::object());
  if (!backend) {
    error = "the " + target->backend + " backend is not available in this build of jobc";
    return std::nullopt;
  }

  Submission submission;
  RunRecord& run = submission.run;
  run.experiment = experiment_of(spec);
  run.id = new_run_id(run.experiment);
  run.name = spec.doc.root.value("name", run.id);
  if (auto shown = spec.doc.root.find("display_name");
      shown != spec.doc.root.end() && shown->is_string()) {
    run.display_name = shown->get<std::string>();
  }
  run.created_ms = now_ms();
  run.backend = target->backend;
  run.spec_hash = sha256_hex(spec.doc.root.dump());
  submission.run_dir = store.run_dir(run.id);

  RunContext context;
  context.run_dir = submission.run_dir;
  context.work_dir = submission.run_dir / "work";
  context.artifacts_dir = submission.run_dir / "artifacts";
  context.log_file = submission.run_dir / "std_log.txt";
  context.timeout_seconds = spec.doc.root.value("limits", json::object()).value("timeout", 0LL);
  context.compute = target->compute;
  RunCredentials credentials = run_credentials(spec, target->backend, target->compute);
  context.withheld_variables = credentials.all();

  UnrecordedRunFolder folder(submission.run_dir);
  if (!folder.claim(error)) return std::nullopt;
  std::ostream& progress = options.progress ? *options.progress : std::cerr;
  InputPreparation inputs{store.home(), &progress, &progress == &std::cerr && isatty(STDERR_FILENO),
                          &submission.warnings};
  if (!prepare_run_inputs(spec, target->backend, inputs, context, error)) return std::nullopt;
  WriteReport written = write_artifacts(compiled.outputs, context.artifacts_dir, WriteMode::Write);
  if (!written.errors.empty()) {
    error = written.errors.front();
    return std::nullopt;
  }
  if (auto code = spec.doc.root.find("code"); code != spec.doc.root.end() && code->is_string()) {
    auto snapshot = snapshot_code(spec.doc.dir / code->get<std::string>(),
                                  store.home() / "snapshots", store.home());
    if (!snapshot) return error = snapshot.error().message, std::nullopt;
    for (const std::string& warning : snapshot->warnings) submission.warnings.push_back(warning);
    if (Status made = materialize_snapshot(*snapshot, context.work_dir); !made) {
      return error = made.error().message, std::nullopt;
    }
  } else {
    fs::create_directories(context.work_dir);
  }
  const model::JobCommon* job = compiled.model ? compiled.model->job() : nullptr;
  SubmitContext prepare{
      compiled,
      context,
      progress,
      options.rebuild,
      job ? job->compute.spec.get() : nullptr,
      [&](const fs::path& staging) { note_run_staging(context.run_dir, staging); }};
  if (options.rebuild && target->backend != "docker") {
    submission.notices.push_back("--rebuild: the " + target->backend +
                                 " backend builds no image; nothing to rebuild");
  }
  if (Status prepared = backend->prepare(prepare); !prepared) {
    error = prepared.error().message;
    return std::nullopt;
  }
  if (target->backend == "local" && spec.doc.root.contains("environment")) {
    submission.notices.push_back(
        "the local backend runs the command with this machine's programs; the environment's "
        "image is not used (--compute docker runs inside it)");
  }
  context.run = run;
  // monitor.json before the record: its time tells a reconcile that the run is just starting.
  if (!write_monitor_config(store.home(), context, error)) return std::nullopt;
  if (Status inserted = store.insert(run); !inserted) {
    return error = inserted.error().message, std::nullopt;
  }
  folder.recorded();
  if (!start_from_submitter(*backend, context, store, submission)) return submission;
  // The monitor has no use for the registry's password (the image is ready by now).
  pid_t monitor = start_monitor(submission.run_dir, credentials.submitter_only, error);
  if (monitor < 0) {
    (void)store.finish(run.id, RunStatus::Failed, std::nullopt, error);
    return std::nullopt;
  }
  return submission;
}

}  // namespace jobc
