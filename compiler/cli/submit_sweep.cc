#include "cli/submit_sweep.h"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/interrupts.h"
#include "cli/run_json.h"
#include "cli/run_status_exit.h"
#include "jobc/diagnostic_render.h"
#include "runs/run_end_watch.h"
#include "runs/sweep/sweep_submit.h"
#include "runs/sweep/sweep_table.h"

namespace jobc::cli {
namespace {

void print_sweep_json(RunStore& store, const RunRecord& run) {
  RunRecord now = find_if_readable(store, run.id).value_or(run);
  nlohmann::json out = run_json(now, store.run_dir(now.id));
  if (auto record = read_sweep_record(store.run_dir(now.id))) {
    out["sweep"] = sweep_record_json(*record);
  }
  std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

// Follows the sweep until it ends; Ctrl-C cancels it (its controller cancels every trial).
int stream_sweep(RunStore& store, const Submission& submission, const SweepSubmitArgs& args) {
  catch_interrupts();
  RunEndWatch watch(store, submission.run.id);
  std::ostream& out = args.json ? std::cerr : std::cout;
  int fd = args.json ? STDERR_FILENO : STDOUT_FILENO;
  size_t columns = 0;  // not a terminal
  if (struct winsize size{}; isatty(fd)) {
    columns = ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 20 ? size.ws_col : 80;
  }
  auto ended = [&] { return watch.ended(); };
  follow_sweep(submission.run_dir, out, columns, ended, interrupt_signal());
  if (*interrupt_signal()) {
    if (args.detach_on_interrupt) {
      std::cerr << fmt::format("\njobc: detached; the sweep goes on: jobc runs show {}\n",
                               submission.run.id);
      return kExitOk;
    }
    clear_interrupt();
    std::cerr << "\njobc: interrupted: canceling the sweep and its trials (Ctrl-C again to stop "
                 "waiting)\n";
    cancel_run(store, submission.run.id);
    follow_sweep(submission.run_dir, out, columns, ended, interrupt_signal());
    if (*interrupt_signal() && !watch.ended()) {
      std::cerr << fmt::format("\njobc: detached; the sweep is being canceled: jobc runs show {}\n",
                               submission.run.id);
      return kExitCanceled;
    }
  }
  if (auto record = read_sweep_record(submission.run_dir)) {
    if (std::string best = best_trial_line(*record); !best.empty()) out << best << "\n";
  }
  out.flush();
  return report_run_end(store, submission.run.id, watch, args.quiet);
}

}  // namespace

int submit_sweep(const CompileResult& compiled, const SubmitOptions& options,
                 std::unique_ptr<RunStore>& store, SourceManager& sources,
                 const SweepSubmitArgs& args, std::unique_ptr<HttpWarmUp> loading) {
  DiagnosticSink sink;
  auto launch = prepare_sweep(compiled, options, *store, sources, sink);
  if (!launch) {
    sink.sort();
    render_diagnostics(sink.diagnostics(), sources, {}, std::cerr);
    if (sink.has_errors()) return kExitInvalid;
    std::cerr << "jobc submit: " << launch.error().message << "\n";
    return kExitUsage;
  }
  for (const std::string& warning : launch->submission.warnings)
    std::cerr << "warning: " << warning << "\n";
  // On a backend that queues groups (Slurm), the first trials go from here: jobc submit
  // returns once the scheduler has them, or says why it refused them.
  Result<std::optional<FirstTrials>> first = queue_first_trials(*launch->plan, *store);
  if (!first) {
    const std::string why = "could not start the trials: " + first.error().message;
    (void)store->finish(launch->submission.run.id, RunStatus::Failed, std::nullopt, why);
    std::cerr << "jobc submit: " << why << "\n";
    return kExitInvalid;
  }
  FirstTrials* queued = *first ? &**first : nullptr;
  loading.reset();  // no other thread runs when the controller forks
  std::filesystem::path home = store->home();
  store->leave_log_on_close();  // the controller opens the store at once
  store.reset();                // no SQLite connection crosses fork()
  Result<pid_t> controller = start_sweep_controller(home, launch->plan, queued);
  const Submission& submission = launch->submission;
  if (controller && !args.stream && !args.json) {  // the run's id is all there is to say
    std::cout << submission.run.id << "\n";
    return kExitOk;
  }
  auto reopened = RunStore::open(home);
  if (!reopened) {
    std::cerr << "jobc submit: " << reopened.error().message << "\n";
    return kExitUsage;
  }
  store = std::move(*reopened);
  if (!controller) {
    if (queued) stop_queued_group(queued->group.queued);  // no controller will prepare them
    (void)store->finish(submission.run.id, RunStatus::Failed, std::nullopt,
                        controller.error().message);
    std::cerr << "jobc submit: " << controller.error().message << "\n";
    return kExitUsage;
  }
  if (!args.stream) {
    print_sweep_json(*store, submission.run);
    return kExitOk;
  }
  if (!args.quiet) {
    std::cerr << fmt::format(
        "jobc: sweep {} ({}) started on {}; each trial's log: jobc runs logs "
        "TRIAL\n",
        submission.run.id, submission.run.experiment, submission.run.backend);
  }
  int ended = stream_sweep(*store, submission, args);
  if (args.json) print_sweep_json(*store, submission.run);
  return ended;
}

}  // namespace jobc::cli
