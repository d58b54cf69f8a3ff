// `jobc ui [--host H] [--port N] [--open]`: the web page of the run store. jobc links no HTTP
// server: it becomes `jobc-server ui` (found beside it), which makes the access token itself
// and prints it in the URL, so no secret passes through arguments.
#include <string>
#include <vector>

#include "cli/cmd_runs.h"
#include "cli/commands.h"
#include "cli/server_exec.h"

namespace jobc::cli {
namespace {

struct UiArgs {
  std::string host = "127.0.0.1";
  int port = 0;
  bool open = false;
};

int serve(const UiArgs& args) {
  // Runs whose monitor is gone are settled first, as `jobc runs list` does, so the page shows
  // them as they are.
  if (!open_runs_store()) return kExitUsage;
  std::vector<std::string> words = {"ui", "--host", args.host, "--port", std::to_string(args.port)};
  if (args.open) words.push_back("--open");
  return exec_server(words, "jobc ui");
}

}  // namespace

Command add_ui_command(CLI::App& app) {
  auto args = std::make_shared<UiArgs>();
  CLI::App* command = app.add_subcommand(
      "ui", "Serve a web page of the runs (logs, metrics, sweeps) on this machine");
  command->add_option("--host", args->host,
                      "address to listen on (default 127.0.0.1: this machine only)");
  command->add_option("--port", args->port, "port to listen on (default: any free port)")
      ->check(CLI::Range(0, 65535));
  command->add_flag("--open", args->open, "open the page in a browser");
  command->footer(
      "Prints the page's URL, which carries an access token made at each start (as Jupyter "
      "does); requests without it are refused. Ctrl-C stops the server.");
  return {command, [args] { return serve(*args); }};
}

}  // namespace jobc::cli
