// `jobc runs report RUN... -o report.html`: the pages of `jobc ui` for these runs (each run, a
// sweep's trials, their comparison) as one self-contained HTML file. The runs are found here
// (ids, prefixes, names, with jobc's usual messages); jobc-server, beside jobc, writes the file
// (the page's assets are compiled into it, not into jobc).
#include "cli/cmd_runs.h"
#include "cli/server_exec.h"

namespace jobc::cli {
namespace {

struct ReportArgs {
  std::vector<std::string> runs;
  std::string output;
};

int report(const ReportArgs& args) {
  auto store = open_runs_store();
  if (!store) return kExitUsage;
  std::vector<std::string> words = {"report", "-o", args.output};
  for (const std::string& wanted : args.runs) {
    auto run = find_run(*store, wanted, "report");
    if (!run) return kExitUsage;
    words.push_back(run->id);
  }
  store.reset();
  return exec_server(words, "jobc runs report");
}

}  // namespace

void add_runs_report_command(CLI::App& runs, const ChosenAction& chosen) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* command = runs.add_subcommand(
      "report", "Write runs' pages (metrics, log, files, sweep, comparison) as one HTML file");
  command->add_option("RUN", args->runs, "run ids, unique id prefixes, or names")->required();
  command->add_option("-o,--output", args->output, "the HTML file to write")->required();
  command->footer(
      "The file opens without a server or network (CI artifacts, pull-request attachments).");
  command->callback([=] { *chosen = [args] { return report(*args); }; });
}

}  // namespace jobc::cli
