// `jobc runs repair`: rebuilds a damaged run store from the run folders, and finishes deletes
// a crash interrupted.
#include <fmt/format.h>

#include <iostream>

#include "cli/cmd_runs.h"

namespace jobc::cli {
namespace {

namespace fs = std::filesystem;

void report_finished_deletes(const StoreRepair& report) {
  for (const std::string& id : report.deletes_finished) {
    std::cerr << fmt::format("jobc runs repair: finished deleting run {} (interrupted)\n", id);
  }
}

int repair() {
  fs::path home = jobc_home();
  auto repaired = RunStore::repair(home);
  if (!repaired) {
    std::cerr << "jobc runs repair: " << repaired.error().message << "\n";
    return kExitUsage;
  }
  const StoreRepair& report = *repaired;
  report_finished_deletes(report);
  if (!report.was_damaged) {
    std::cerr << fmt::format("jobc runs repair: {} reads fine; nothing to repair\n",
                             (home / "runs.db").string());
    return kExitOk;
  }
  if (!report.kept_as.empty()) {
    std::cerr << fmt::format("jobc runs repair: the damaged store is kept as {}\n",
                             report.kept_as.string());
  }
  std::cerr << fmt::format("jobc runs repair: restored {} run{} from {}\n", report.restored,
                           report.restored == 1 ? "" : "s", (home / "runs").string());
  for (const std::string& folder : report.without_record) {
    std::cerr << fmt::format(
        "warning: runs/{} holds no run record (run.json or monitor.json): "
        "not restored\n",
        folder);
  }
  return kExitOk;
}

}  // namespace

void add_runs_repair_command(CLI::App& runs, const ChosenAction& chosen) {
  CLI::App* command =
      runs.add_subcommand("repair", "Rebuild a damaged run store (runs.db) from the run folders");
  command->footer(
      "A damaged runs.db (not a database, a damaged page, emptied while runs/ holds runs) is\n"
      "moved aside as runs.db.damaged-<time>, never deleted, and every run is recorded again\n"
      "from the run.json its folder holds. A store that reads fine is left as it is. A delete\n"
      "that a crash interrupted (a folder left in $JOBC_HOME/trash/) is finished.");
  command->callback([=] { *chosen = [] { return repair(); }; });
}

}  // namespace jobc::cli
