// `jobc runs ...`: one file per subcommand (cmd_runs_<name>.cc), and what they share.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "jobc/run_store.h"

namespace jobc::cli {

// Each adds its subcommand to `runs`; once parsed, the subcommand puts its work in `chosen`.
using ChosenAction = std::shared_ptr<Action>;
void add_runs_list_command(CLI::App& runs, const ChosenAction& chosen);
void add_runs_show_command(CLI::App& runs, const ChosenAction& chosen);
void add_runs_logs_command(CLI::App& runs, const ChosenAction& chosen);
void add_runs_metrics_command(CLI::App& runs, const ChosenAction& chosen);
void add_runs_cancel_command(CLI::App& runs, const ChosenAction& chosen);
void add_runs_download_command(CLI::App& runs, const ChosenAction& chosen);
void add_runs_delete_command(CLI::App& runs, const ChosenAction& chosen);
void add_runs_prune_command(CLI::App& runs, const ChosenAction& chosen);
void add_runs_repair_command(CLI::App& runs, const ChosenAction& chosen);
void add_runs_report_command(CLI::App& runs, const ChosenAction& chosen);

// The RUN argument (`repeats`: RUN...), and -q.
void add_run_argument(CLI::App& command, std::string& run);
void add_quiet_flag(CLI::App& command, bool& quiet, const std::string& what);

// The store, reconciled; nullptr (said on stderr) when it cannot be opened or read: a damaged
// store is never shown as an empty or partial history.
std::unique_ptr<RunStore> open_runs_store();
// The run `id_or_name` names; nullopt when none does, or several do (then they are listed:
// id, name, status, start time), said on stderr as `jobc runs COMMAND: ...`.
std::optional<RunRecord> find_run(RunStore& store, const std::string& id_or_name,
                                  const std::string& command);
// The run's folder, or nullopt (said on stderr) when it was deleted: its files are gone.
std::optional<std::filesystem::path> run_folder(const RunStore& store, const RunRecord& run);

// Deletes `runs` (all must have ended, else nothing is deleted) and says on stdout what it
// removed and the space freed; with `dry_run`, what it would. The exit status.
int delete_runs(RunStore& store, const std::vector<RunRecord>& runs, bool dry_run, bool quiet,
                const std::string& command);

}  // namespace jobc::cli
