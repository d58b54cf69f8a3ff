#include "cli/commands.h"

#include <fmt/format.h>

#include <iostream>
#include <optional>
#include <string_view>
#include <vector>

#include "support/did_you_mean.h"

namespace jobc::cli {
namespace {

// A command word that names no command, with the one it most likely meant: `jobc valdate`,
// `jobc runs lst` -> "did you mean ...?". Follows the words down the command tree.
std::optional<std::string> unknown_command(const CLI::App& app, int argc, char** argv) {
  const CLI::App* current = &app;
  std::string path = "jobc";
  for (int i = 1; i < argc && argv[i][0] != '-'; ++i) {
    std::string_view word = argv[i];
    std::vector<std::string> names;
    const CLI::App* next = nullptr;
    for (const CLI::App* command : current->get_subcommands({})) {
      if (command->get_name() == word) next = command;
      if (!command->get_group().empty()) names.push_back(command->get_name());
    }
    if (next == nullptr) {
      if (current->get_require_subcommand_min() == 0) return std::nullopt;  // a positional
      std::string message = fmt::format("{}: unknown command '{}'\n", path, word);
      if (auto match = closest_match(word, names)) {
        message += fmt::format("note: did you mean '{}'?\n", *match);
      }
      return message + fmt::format("Run '{} --help' for the list of commands.\n", path);
    }
    current = next;
    path += " " + next->get_name();
  }
  return std::nullopt;
}

}  // namespace

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
      add_create_command(app),   add_runs_command(app),    add_monitor_command(app),
      add_schema_command(app),   add_explain_command(app), add_completion_command(app),
      add_man_command(app),      add_ui_command(app),
  };
  if (argc < 2) {  // a bare `jobc`: show what it can do
    std::cout << app.help();
    return kExitUsage;
  }
  if (std::optional<std::string> unknown = unknown_command(app, argc, argv)) {
    std::cerr << *unknown;
    return kExitUsage;
  }
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
