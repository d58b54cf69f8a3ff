// `jobc submit JOB`: compile, snapshot, start the run, and (by default on a terminal)
// stream its output until it ends. The exit status mirrors the run.
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/interrupts.h"
#include "cli/run_json.h"
#include "cli/run_status_exit.h"
#include "cli/spec_options.h"
#include "cli/submit_sweep.h"
#include "cli/workspace_options.h"
#include "jobc/backend_registry.h"
#include "jobc/compile.h"
#include "jobc/diagnostic_render.h"
#include "jobc/model/spec.h"
#include "jobc/submit.h"
#include "runs/log_follow.h"
#include "runs/run_end_watch.h"
#include "runs/sweep/sweep_submit.h"
#include "support/http_client.h"

namespace jobc::cli {
namespace {

namespace fs = std::filesystem;

struct SubmitArgs {
  std::string spec;
  SpecOptions spec_options;
  WorkspaceOptions workspace;
  std::string compute;
  bool stream = false;
  bool detach = false;
  bool detach_on_interrupt = false;
  bool rebuild = false;
  std::string output = "text";
  bool quiet = false;
};

// Where the run's log streams: stdout, unless stdout is kept for the JSON object.
std::ostream& log_stream(const SubmitArgs& args) {
  return args.output == "json" ? std::cerr : std::cout;
}

// --output json: the run as `jobc runs show --output json` shows it, read back from the store
// (its final state after streaming), as one object on stdout.
void print_run_json(RunStore& store, const RunRecord& run) {
  RunRecord now = find_if_readable(store, run.id).value_or(run);
  nlohmann::json out = run_json(now, store.run_dir(now.id));
  std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

// Streams the run until it ends, or its monitor is found gone; Ctrl-C or SIGTERM cancels it
// (or only detaches, when asked).
int stream_run(RunStore& store, const Submission& submission, const SubmitArgs& args) {
  catch_interrupts();
  RunEndWatch watch(store, submission.run.id);
  auto finished = [&] { return watch.ended(); };
  fs::path log = submission.run_dir / "std_log.txt";
  std::ostream& out = log_stream(args);
  size_t offset = follow_log(log, out, finished, interrupt_signal());
  if (*interrupt_signal()) {
    if (args.detach_on_interrupt) {
      std::cerr << fmt::format("\njobc: detached; the run goes on: jobc runs logs --follow {}\n",
                               submission.run.id);
      return kExitOk;
    }
    clear_interrupt();  // from here on, a second Ctrl-C stops waiting
    std::cerr << "\njobc: interrupted: canceling the run (Ctrl-C again to stop waiting)\n";
    cancel_run(store, submission.run.id);
    follow_log(log, out, finished, interrupt_signal(), offset);
    if (*interrupt_signal() && !watch.ended()) {  // a second Ctrl-C: the cancel goes on alone
      std::cerr << fmt::format("\njobc: detached; the run is being canceled: jobc runs show {}\n",
                               submission.run.id);
      return kExitCanceled;
    }
  }
  out.flush();
  return report_run_end(store, submission.run.id, watch, args.quiet);
}

// Whether the compute a job names talks HTTP (an engine, a daemon): every backend does but
// the built-in ones that say not (local), and jobc then loads libcurl early.
bool talks_http(const std::string& compute) {
  if (compute.empty()) return false;
  const BackendEntry* builtin = backend_for_builtin_name(compute);
  return !builtin || builtin->capabilities.uses_http;
}

int run_submit(const SubmitArgs& args) {
  SourceManager sources;  // the command's one: every diagnostic shows its source line
  std::unique_ptr<HttpWarmUp> warm_up;
  if (talks_http(args.compute)) warm_up = std::make_unique<HttpWarmUp>();  // while it compiles
  CompileOptions compile_options;
  {
    DiagnosticSink sink;
    std::vector<std::string> read;
    Result<WorkspaceScope> scope = resolve_workspace(args.workspace, read, sink);
    if (!scope) {
      std::cerr << "jobc submit: " << scope.error().message << "\n";
      return kExitUsage;
    }
    if (sink.has_errors()) {
      render_diagnostics(sink.diagnostics(), sources, {}, std::cerr);
      return kExitUsage;
    }
    compile_options.scope = std::move(*scope);
  }
  int status = kExitOk;
  // The job's own compute: libcurl loads while the job is checked and compiled.
  auto on_loaded = [&](const SpecPreview& preview) {
    if (!warm_up && args.compute.empty() && talks_http(preview.compute)) {
      warm_up = std::make_unique<HttpWarmUp>();
    }
  };
  auto compiled = load_and_compile("submit", args.spec, args.spec_options, compile_options, sources,
                                   status, on_loaded);
  if (!compiled) return status;
  const LoadedSpec* spec = &compiled->spec;
  const CompileResult& result = compiled->result;
  std::string error;
  if (std::string warning = home_privacy_warning(jobc_home()); !warning.empty()) {
    std::cerr << "warning: " << warning << "\n";
  }
  auto opened = RunStore::open(jobc_home());
  if (!opened) {
    std::cerr << "jobc submit: " << opened.error().message << "\n";
    return kExitUsage;
  }
  std::unique_ptr<RunStore> store = std::move(opened).value();
  std::ostream no_progress(nullptr);  // -q: writes to it go nowhere
  SubmitOptions submit_options;
  submit_options.compute = args.compute;
  submit_options.progress = args.quiet ? &no_progress : &std::cerr;
  submit_options.rebuild = args.rebuild;
  if (spec->model && spec->model->sweep_job() &&
      !sweep_runs_natively(result, submit_options.compute)) {
    SweepSubmitArgs sweep_args{args.stream || (!args.detach && isatty(STDOUT_FILENO)),
                               args.detach_on_interrupt, args.output == "json", args.quiet};
    return submit_sweep(result, submit_options, store, sources, sweep_args, std::move(warm_up));
  }
  DiagnosticSink submit_sink;
  auto submission = submit_job(*spec, result, submit_options, *store, sources, submit_sink);
  if (!submission) {
    submit_sink.sort();
    render_diagnostics(submit_sink.diagnostics(), sources, {}, std::cerr);
    if (submit_sink.has_errors()) return kExitInvalid;
    std::cerr << "jobc submit: " << submission.error().message << "\n";
    return kExitUsage;
  }
  for (const std::string& warning : submission->warnings)
    std::cerr << "warning: " << warning << "\n";
  if (!args.quiet) {
    for (const std::string& notice : submission->notices) std::cerr << "note: " << notice << "\n";
  }
  bool json = args.output == "json";
  if (is_terminal(submission->run.status)) {  // refused as it was handed over, or canceled
    if (!submission->start_error.empty()) {
      std::cerr << "jobc submit: the job was refused: " << submission->start_error << "\n";
    }
    print_final_status(submission->run, std::cerr);
    if (json) print_run_json(*store, submission->run);
    return exit_status_for(submission->run);
  }
  bool stream = args.stream || (!args.detach && isatty(STDOUT_FILENO));
  if (!stream) {
    if (json) {
      print_run_json(*store, submission->run);
    } else {
      std::cout << submission->run.id << "\n";
    }
    return kExitOk;
  }
  if (!args.quiet) {
    std::cerr << fmt::format("jobc: run {} ({}) started on {}\n", submission->run.id,
                             submission->run.experiment, submission->run.backend);
  }
  int ended = stream_run(*store, *submission, args);
  if (json) print_run_json(*store, submission->run);
  return ended;
}

}  // namespace

Command add_submit_command(CLI::App& app) {
  CLI::App* command =
      app.add_subcommand("submit", "Compile a job, start it on a backend and (by default) wait");
  auto args = std::make_shared<SubmitArgs>();
  command->add_option("JOB", args->spec, "the job spec")->required();
  add_spec_options(*command, args->spec_options);
  command->add_option("--compute", args->compute,
                      "where to run: local (default), docker, azureml:CLUSTER, or a compute spec "
                      "file (Slurm, Azure ML amlcompute)");
  add_workspace_options(*command, args->workspace);
  auto* stream = command->add_flag("--stream", args->stream,
                                   "show the output live and wait (the default on a terminal)");
  command->add_flag("--detach", args->detach, "print the run id and return at once")
      ->excludes(stream);
  command->add_flag("--detach-on-interrupt", args->detach_on_interrupt,
                    "Ctrl-C stops streaming but leaves the run going (default: cancel it)");
  command
      ->add_option("--output,--output-format", args->output,
                   "text, or json: one object on stdout (what runs show prints: id, name, "
                   "status, exit_code, folder, ...), the job's output on stderr")
      ->check(CLI::IsMember({"text", "json"}));
  command->add_flag("-q,--quiet", args->quiet,
                    "say nothing but errors and warnings: no notes, progress, or final status "
                    "of a Completed run");
  command->add_flag("--rebuild", args->rebuild,
                    "docker: build the environment's image even if jobc-env:<hash> exists, "
                    "without the engine's layer cache");
  command->footer(
      "Runs are kept under $JOBC_HOME (default ~/.local/share/jobc): see 'jobc runs'.\n"
      "A sweep job (type: sweep) runs each trial as a run of its own, at most\n"
      "limits.max_concurrent_trials at once, and --stream shows a table of the trials;\n"
      "'jobc runs show SWEEP' lists them best first. On Slurm the trials go as one job\n"
      "array (%max_concurrent_trials), and --detach returns once Slurm has them all.\n"
      "On Azure ML the service runs them.\n"
      "Exit status: 0 the run Completed, 1 it Failed (or the spec is invalid), 130 it was\n"
      "Canceled, 2 usage or I/O error. With --detach: 0 once the run has started.\n"
      "--output json prints the object once the run has ended (or, with --detach, started);\n"
      "nothing when no run was made (an invalid spec, a backend that cannot prepare the job).\n"
      "Azure ML (--compute azureml:CLUSTER, or a compute spec of type amlcompute): " +
      std::string(kWorkspaceHelp) +
      ";\ncredentials as azure-identity finds them (AZURE_CLIENT_SECRET and its kin, managed\n"
      "identity, then az login). Ctrl-C cancels the job in the workspace; a second Ctrl-C\n"
      "detaches.");
  return {command, [args]() { return run_submit(*args); }};
}

}  // namespace jobc::cli
