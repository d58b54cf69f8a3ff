// `jobc runs logs RUN [--follow]`: a run's output; following it ends with the run, and exits
// with its status as `jobc submit` does.
#include <iostream>

#include "cli/cmd_runs.h"
#include "cli/interrupts.h"
#include "cli/run_status_exit.h"
#include "runs/log_follow.h"
#include "runs/run_end_watch.h"

namespace jobc::cli {
namespace {

struct LogsArgs {
  std::string run;
  bool follow = false;
  bool quiet = false;
};

int run_logs(const LogsArgs& args) {
  auto store = open_runs_store();
  if (!store) return kExitUsage;
  auto run = find_run(*store, args.run, "logs");
  if (!run) return kExitUsage;
  auto dir = run_folder(*store, *run);
  if (!dir) return kExitUsage;
  if (!args.follow) {
    print_log(*dir / "std_log.txt", std::cout);
    return kExitOk;
  }
  catch_interrupts();
  RunEndWatch watch(*store, run->id);
  follow_log(
      *dir / "std_log.txt", std::cout, [&] { return watch.ended(); }, interrupt_signal());
  std::cout.flush();
  if (int signal = *interrupt_signal()) return 128 + signal;  // as the shell reports it
  return report_run_end(*store, run->id, watch, args.quiet);
}

}  // namespace

void add_runs_logs_command(CLI::App& runs, const ChosenAction& chosen) {
  auto args = std::make_shared<LogsArgs>();
  CLI::App* logs = runs.add_subcommand("logs", "Print a run's output (stdout and stderr)");
  add_run_argument(*logs, args->run);
  logs->add_flag("-f,--follow", args->follow,
                 "keep printing until the run ends; exit 0 Completed, 1 Failed, 130 Canceled");
  add_quiet_flag(*logs, args->quiet, "final status line for a Completed run");
  logs->callback([=] { *chosen = [args] { return run_logs(*args); }; });
}

}  // namespace jobc::cli
