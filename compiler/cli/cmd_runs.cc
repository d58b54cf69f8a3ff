// `jobc runs`: the run store from the command line; what its subcommands share.
#include "cli/cmd_runs.h"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "cli/run_json.h"
#include "runs/monitor.h"

namespace jobc::cli {

namespace fs = std::filesystem;

void add_run_argument(CLI::App& command, std::string& run) {
  command.add_option("RUN", run, "run id, unique id prefix, or name")->required();
}

void add_quiet_flag(CLI::App& command, bool& quiet, const std::string& what) {
  command.add_flag("-q,--quiet", quiet, "say nothing but errors: no " + what);
}

std::unique_ptr<RunStore> open_runs_store() {
  fs::path home = jobc_home();
  if (std::string warning = home_privacy_warning(home); !warning.empty()) {
    std::cerr << "warning: " << warning << "\n";
  }
  auto opened = RunStore::open(home);
  if (!opened) {
    std::cerr << "jobc runs: " << opened.error().message << "\n";
    return nullptr;
  }
  std::unique_ptr<RunStore> store = std::move(opened).value();
  if (Status reconciled = reconcile_runs(*store); !reconciled) {
    std::cerr << "jobc runs: " << reconciled.error().message << "\n";
    return nullptr;
  }
  return store;
}

std::optional<RunRecord> find_run(RunStore& store, const std::string& id_or_name,
                                  const std::string& command) {
  constexpr size_t kShown = 20;
  Result<std::vector<RunRecord>> matched = store.matches(id_or_name, kShown + 1);
  std::string prefix = "jobc runs " + command + ": ";
  if (!matched) {
    std::cerr << prefix << matched.error().message << "\n";
    return std::nullopt;
  }
  const std::vector<RunRecord>& found = *matched;
  if (found.size() == 1) return found.front();
  if (found.empty()) {
    std::cerr << prefix << "no run '" << id_or_name << "' (see 'jobc runs list')\n";
  } else {
    std::cerr << fmt::format("{}'{}' is ambiguous: it names {}{} runs\n", prefix, id_or_name,
                             found.size() > kShown ? "more than " : "",
                             std::min(found.size(), kShown));
    for (size_t i = 0; i < std::min(found.size(), kShown); ++i) {
      const RunRecord& run = found[i];
      std::cerr << fmt::format("  {}  {}  {}  {}\n", run.id, run.name, status_name(run.status),
                               run.started_ms > 0 ? iso_time(run.started_ms) : "not started");
    }
    std::cerr << "note: give the whole id, or more of it\n";
  }
  return std::nullopt;
}

std::optional<fs::path> run_folder(const RunStore& store, const RunRecord& run) {
  fs::path dir = store.run_dir(run.id);
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return dir;
  std::cerr << fmt::format(
      "jobc runs: the folder of run {} ({}) has been deleted: its output, logs and files are "
      "gone; only its record is left\n",
      run.id, dir.string());
  return std::nullopt;
}

Command add_runs_command(CLI::App& app) {
  CLI::App* runs =
      app.add_subcommand("runs", "List, inspect, follow, cancel, download and delete runs");
  runs->require_subcommand(1);
  auto chosen = std::make_shared<Action>();
  add_runs_list_command(*runs, chosen);
  add_runs_show_command(*runs, chosen);
  add_runs_logs_command(*runs, chosen);
  add_runs_metrics_command(*runs, chosen);
  add_runs_cancel_command(*runs, chosen);
  add_runs_download_command(*runs, chosen);
  add_runs_delete_command(*runs, chosen);
  add_runs_prune_command(*runs, chosen);
  add_runs_repair_command(*runs, chosen);
  add_runs_report_command(*runs, chosen);
  runs->footer("Runs live in $JOBC_HOME (default ~/.local/share/jobc): runs.db and runs/<id>/.");
  return {runs, [chosen] { return (*chosen) ? (*chosen)() : kExitUsage; }};
}

}  // namespace jobc::cli
