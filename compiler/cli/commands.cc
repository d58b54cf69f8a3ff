#include "cli/commands.h"

#include <iostream>
#include <vector>

namespace jobc::cli {

int run(int argc, char** argv) {
  CLI::App app{
      "jobc: a declarative job-spec compiler for machine-learning training.\n"
      "Validates Azure ML CLI v2 style specs, compiles them to a Dockerfile, conda\n"
      "file, launch script and REST payloads, and runs them.",
      "jobc"};
  app.set_version_flag("--version", std::string("jobc ") + JOBC_VERSION);
  app.require_subcommand(1);
  app.footer(
      "Exit status: 0 success, 1 invalid input or failed run, 2 usage or I/O error.\n"
      "Run 'jobc COMMAND --help' for a command's options.");
  std::vector<Command> commands = {
      add_validate_command(app), add_compile_command(app), add_submit_command(app),
      add_runs_command(app),     add_monitor_command(app), add_schema_command(app),
      add_explain_command(app),
  };
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  for (const Command& command : commands) {
    if (command.app->parsed()) return command.action();
  }
  return kExitUsage;
}

}  // namespace jobc::cli
