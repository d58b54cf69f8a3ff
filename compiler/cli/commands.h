// The jobc command line: parses arguments and calls into the library. No business logic.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace jobc::cli {

// Exit statuses shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalid = 1;  // the input is invalid (or a run failed)
inline constexpr int kExitUsage = 2;    // bad arguments or an I/O error

// A subcommand registers its options and returns the action to run once parsing succeeds.
using Action = std::function<int()>;
struct Command {
  CLI::App* app;
  Action action;
};
Command add_validate_command(CLI::App& app);
Command add_compile_command(CLI::App& app);
Command add_submit_command(CLI::App& app);
Command add_create_command(CLI::App& app);
Command add_runs_command(CLI::App& app);
Command add_monitor_command(CLI::App& app);
Command add_schema_command(CLI::App& app);
Command add_explain_command(CLI::App& app);
Command add_completion_command(CLI::App& app);
Command add_man_command(CLI::App& app);
Command add_ui_command(CLI::App& app);

int run(int argc, char** argv);

}  // namespace jobc::cli
