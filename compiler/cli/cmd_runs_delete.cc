// `jobc runs delete RUN...`: deletes ended runs, their folder and their record.
#include <iostream>

#include "cli/cmd_runs.h"

namespace jobc::cli {
namespace {

struct DeleteArgs {
  std::vector<std::string> runs;
  bool quiet = false;
};

int delete_command(const DeleteArgs& args) {
  auto store = open_runs_store();
  if (!store) return kExitUsage;
  store->finish_interrupted_removals();
  std::vector<RunRecord> runs;
  for (const std::string& name : args.runs) {
    auto run = find_run(*store, name, "delete");
    if (!run) return kExitUsage;  // before anything is deleted
    bool named_twice = false;
    for (const RunRecord& seen : runs) named_twice |= seen.id == run->id;
    if (!named_twice) runs.push_back(*run);
  }
  return delete_runs(*store, runs, false, args.quiet, "delete");
}

}  // namespace

void add_runs_delete_command(CLI::App& runs, const ChosenAction& chosen) {
  auto args = std::make_shared<DeleteArgs>();
  CLI::App* command = runs.add_subcommand(
      "delete", "Delete ended runs: their folder (outputs, logs, code) and their record");
  command->add_option("RUN", args->runs, "run ids, unique id prefixes, or names")->required();
  add_quiet_flag(*command, args->quiet, "summary line");
  command->footer(
      "A run that has not ended is refused (cancel it first), and then nothing is deleted.\n"
      "Each deleted run is said on stdout with the space it freed.");
  command->callback([=] { *chosen = [args] { return delete_command(*args); }; });
}

}  // namespace jobc::cli
