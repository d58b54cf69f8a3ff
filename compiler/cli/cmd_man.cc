// `jobc __man`: prints the man page jobc.1 (internal: the build generates it for install).
#include <iostream>

#include "cli/commands.h"
#include "cli/man_page.h"

namespace jobc::cli {

Command add_man_command(CLI::App& app) {
  CLI::App* command = app.add_subcommand("__man", "internal: print the man page jobc.1");
  command->group("");  // hidden from --help, completions and the page itself
  return {command, [command]() {
            std::cout << man_page(describe_commands(root_of(*command)), JOBC_VERSION);
            return kExitOk;
          }};
}

}  // namespace jobc::cli
