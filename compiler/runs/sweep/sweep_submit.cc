#include "runs/sweep/sweep_submit.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <random>

#include "jobc/artifact_writer.h"
#include "jobc/backend_registry.h"
#include "runs/compute_target.h"
#include "runs/run_inputs.h"
#include "runs/sweep/sweep_controller.h"
#include "runs/tracking/metrics_store.h"
#include "runs/unrecorded_runs.h"
#include "support/private_files.h"
#include "sweep/objective.h"

namespace jobc {
namespace {

namespace fs = std::filesystem;

std::atomic<bool> g_sweep_canceled{false};

extern "C" void on_sweep_cancel(int) {
  g_sweep_canceled = true;
}

std::string sampling_name(const model::SweepJob& sweep) {
  if (!sweep.sampling_algorithm) return "random";
  std::string type = sweep.sampling_algorithm->type.value_or("random");
  if (type == "random" && sweep.sampling_algorithm->rule.value_or("") == "sobol") return "sobol";
  return type;
}

// The spec's seed, else a fresh one: the sweep records it, so its trials can be repeated.
std::uint64_t sweep_seed(const model::SweepJob& sweep) {
  if (sweep.sampling_algorithm && sweep.sampling_algorithm->seed) {
    return static_cast<std::uint64_t>(*sweep.sampling_algorithm->seed);
  }
  std::random_device device;
  return (std::uint64_t(device()) << 32 | device()) % 1000000007ULL;
}

// The controller's process: a session of its own, its output into the sweep's log, no
// descriptor of the submitting jobc's but those.
[[noreturn]] void controller_main(const fs::path& home, const SweepPlan& plan, FirstTrials* first) {
  setsid();
  struct sigaction action {};
  action.sa_handler = on_sweep_cancel;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  signal(SIGINT, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGPIPE, SIG_IGN);
  int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int log = ::open((plan.run_dir / "std_log.txt").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (null >= 0) dup2(null, STDIN_FILENO);
  if (log >= 0) {
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
  }
  closefrom(3);
  auto store = RunStore::open(home);
  auto metrics = MetricsStore::open(home);
  if (!store || !metrics) {
    std::string why = !store ? store.error().message : metrics.error().message;
    std::fprintf(stderr, "[sweep] cannot open the run store: %s\n", why.c_str());
    if (store) (void)(*store)->finish(plan.run.id, RunStatus::Failed, std::nullopt, why);
    _exit(1);
  }
  run_sweep(plan, **store, **metrics, g_sweep_canceled, first);
  store->reset();
  metrics->reset();
  _exit(0);
}

}  // namespace

bool sweep_runs_natively(const CompileResult& compiled, const std::string& compute) {
  const model::SweepJob* sweep = compiled.model ? compiled.model->sweep_job() : nullptr;
  if (!sweep) return false;
  SourceManager sources;  // a look ahead: what it reports, prepare_sweep reports again
  DiagnosticSink sink;
  auto target = resolve_compute(*sweep, compute, sources, sink);
  return target && target->backend && target->backend->capabilities.native_sweeps;
}

Result<SweepLaunch> prepare_sweep(const CompileResult& compiled, const SubmitOptions& options,
                                  RunStore& store, SourceManager& sources, DiagnosticSink& sink) {
  const model::SweepJob* sweep = compiled.model ? compiled.model->sweep_job() : nullptr;
  if (!sweep) return fail("not a sweep job");
  const Error spec_errors = fail("the job cannot run as written");  // its diagnostics say why
  auto target = resolve_compute(*sweep, options.compute, sources, sink);
  if (!target || !check_job_for_backend(*target, sweep->trial, sink)) return spec_errors;
  const BackendEntry& entry = *target->backend;
  if (!check_inputs_for_backend(*sweep, entry, sink)) return spec_errors;
  if (entry.capabilities.native_sweeps) {
    return fail("jobc does not submit sweep jobs to " + entry.title +
                " yet (`jobc compile` writes the sweep job's request); it runs them on this "
                "machine, in Docker and on Slurm");
  }
  if (!sweep->objective || !sweep->objective->primary_metric) {
    return fail("the sweep has no objective.primary_metric to rank its trials by");
  }
  auto plan = std::make_shared<SweepPlan>();
  plan->spec = compiled.model;
  plan->goal = sweep::goal_of(*sweep->objective);
  plan->seed = sweep_seed(*sweep);
  plan->sampling = sampling_name(*sweep);
  plan->compute = options.compute;
  if (auto sampler = sweep::make_sampler(*sweep, plan->goal, plan->seed); !sampler) {
    return fail("cannot sample the search space: " + sampler.error().message);
  }

  SweepLaunch launch;
  Submission& submission = launch.submission;
  RunRecord& run = submission.run;
  run.experiment = sweep->experiment();
  run.id = new_run_id(run.experiment);
  run.name = sweep->name.value_or(run.id);
  run.display_name = sweep->display_name.value_or("");
  run.created_ms = now_ms();
  run.backend = entry.name;
  run.spec_hash = sweep->source.content_digest;
  run.job_type = "sweep";
  submission.run_dir = store.run_dir(run.id);
  plan->run_dir = submission.run_dir;

  if (Status claimed = claim_run_folder(submission.run_dir); !claimed) return claimed.error();
  struct Unclaim {
    fs::path dir;
    bool recorded = false;
    ~Unclaim() {
      std::error_code ignored;
      if (!recorded) fs::remove_all(dir, ignored);
    }
  } folder{submission.run_dir};
  WriteReport written =
      write_artifacts(compiled.outputs, submission.run_dir / "artifacts", WriteMode::Write);
  if (!written.errors.empty()) return fail(written.errors.front());
  if (sweep->trial.code) {
    auto snapshot = snapshot_job_code(*sweep, sweep->trial, store.home());
    if (!snapshot) return snapshot.error();
    for (const std::string& warning : snapshot->warnings) submission.warnings.push_back(warning);
    plan->code = std::move(*snapshot);
  }
  if (Status made = write_private_file_atomically(submission.run_dir / "std_log.txt", ""); !made) {
    return made.error();
  }
  if (Status inserted = store.insert(run); !inserted) return inserted.error();
  folder.recorded = true;
  release_run_folder(submission.run_dir);
  plan->run = run;
  launch.plan = plan;
  return launch;
}

Result<pid_t> start_sweep_controller(const fs::path& home, std::shared_ptr<const SweepPlan> plan,
                                     FirstTrials* first) {
  pid_t pid = fork();
  if (pid < 0) return fail(std::string("cannot start the sweep's controller: ") + strerror(errno));
  if (pid == 0) controller_main(home, *plan, first);
  return pid;
}

}  // namespace jobc
