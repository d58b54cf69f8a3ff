// `jobc __monitor RUN_DIR`: the run monitor process (internal; started by jobc submit).
#include "cli/commands.h"
#include "runs/monitor.h"

namespace jobc::cli {

Command add_monitor_command(CLI::App& app) {
  CLI::App* command = app.add_subcommand("__monitor", "internal: watch one run");
  command->group("");  // hidden from --help
  auto run_dir = std::make_shared<std::string>();
  command->add_option("RUN_DIR", *run_dir)->required();
  return {command, [run_dir] { return monitor_main(*run_dir); }};
}

}  // namespace jobc::cli
