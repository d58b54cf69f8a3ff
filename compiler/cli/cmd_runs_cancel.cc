// `jobc runs cancel RUN`: stops a run and waits until it has stopped.
#include <chrono>
#include <iostream>
#include <thread>

#include "cli/cmd_runs.h"
#include "cli/run_status_exit.h"
#include "runs/monitor.h"

namespace jobc::cli {
namespace {

struct CancelArgs {
  std::string run;
  bool quiet = false;
};

int cancel(const CancelArgs& args) {
  auto store = open_runs_store();
  if (!store) return kExitUsage;
  auto run = find_run(*store, args.run, "cancel");
  if (!run) return kExitUsage;
  cancel_run(*store, run->id);
  // Wait for the monitor to stop the job: it escalates to SIGKILL after its grace period.
  for (int i = 0; i < 200; ++i) {
    auto now = find_if_readable(*store, run->id);
    if (now && is_terminal(now->status)) {
      if (!args.quiet) print_final_status(*now, std::cerr);
      return kExitOk;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (i % 10 == 9) (void)reconcile_runs(*store);  // a store that fails shows on the next find
  }
  std::cerr << "jobc runs cancel: the run has not stopped yet\n";
  return kExitInvalid;
}

}  // namespace

void add_runs_cancel_command(CLI::App& runs, const ChosenAction& chosen) {
  auto args = std::make_shared<CancelArgs>();
  CLI::App* command = runs.add_subcommand("cancel", "Cancel a run and wait for it to stop");
  add_run_argument(*command, args->run);
  add_quiet_flag(*command, args->quiet, "final status line");
  command->callback([=] { *chosen = [args] { return cancel(*args); }; });
}

}  // namespace jobc::cli
