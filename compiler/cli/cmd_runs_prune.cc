// `jobc runs prune --older-than DURATION`: deletes the runs that ended long enough ago.
#include <iostream>

#include "cli/cmd_runs.h"
#include "cli/time_arguments.h"

namespace jobc::cli {
namespace {

struct PruneArgs {
  std::string older_than;
  bool dry_run = false;
  bool quiet = false;
};

int prune(const PruneArgs& args) {
  auto age = parse_duration_ms(args.older_than);
  if (!age) {
    std::cerr << "jobc runs prune: --older-than '" << args.older_than
              << "' is not a duration (30m, 12h, 30d, 2w)\n";
    return kExitUsage;
  }
  auto store = open_runs_store();
  if (!store) return kExitUsage;
  if (!args.dry_run) store->finish_interrupted_removals();
  int64_t cutoff = now_ms() - *age;
  Result<std::vector<RunRecord>> runs = store->list({});
  if (!runs) {
    std::cerr << "jobc runs prune: " << runs.error().message << "\n";
    return kExitUsage;
  }
  std::vector<RunRecord> old;
  for (const RunRecord& run : *runs) {
    // Its age is since it ended: a run that took a week and ended an hour ago is not old.
    int64_t ended = run.ended_ms > 0 ? run.ended_ms : run.created_ms;
    if (is_terminal(run.status) && ended <= cutoff) old.push_back(run);
  }
  return delete_runs(*store, old, args.dry_run, args.quiet, "prune");
}

}  // namespace

void add_runs_prune_command(CLI::App& runs, const ChosenAction& chosen) {
  auto args = std::make_shared<PruneArgs>();
  CLI::App* command =
      runs.add_subcommand("prune", "Delete the runs that ended longer ago than a duration");
  command
      ->add_option("--older-than", args->older_than,
                   "ended at least this long ago: 30m, 12h, 30d, 2w")
      ->required();
  command->add_flag("--dry-run", args->dry_run, "say what would be deleted, delete nothing");
  add_quiet_flag(*command, args->quiet, "summary line");
  command->footer("Runs that have not ended are never pruned.");
  command->callback([=] { *chosen = [args] { return prune(*args); }; });
}

}  // namespace jobc::cli
