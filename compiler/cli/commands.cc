#include "cli/commands.h"

#include <CLI/CLI.hpp>

namespace jobc::cli {

int run(int argc, char** argv) {
  CLI::App app{"jobc: a declarative job-spec compiler for machine-learning training", "jobc"};
  app.set_version_flag("--version", std::string("jobc ") + JOBC_VERSION);
  app.require_subcommand(1);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  return kExitOk;
}

}  // namespace jobc::cli
