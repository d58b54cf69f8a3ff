// `jobc runs list|show|logs|cancel|download|repair`: the run store from the command line.
#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/interrupts.h"
#include "cli/run_status_exit.h"
#include "runs/log_follow.h"
#include "runs/monitor.h"
#include "runs/run_end_watch.h"
#include "runs/unrecorded_runs.h"

namespace jobc::cli {
namespace {

namespace fs = std::filesystem;

struct RunsArgs {
  std::string run;
  std::string experiment;
  std::string status;
  std::string output = "table";
  bool follow = false;
  std::string path;
  std::string destination;
};

std::string iso_time(int64_t ms) {
  if (ms <= 0) return "";
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

nlohmann::json run_json(const RunRecord& run) {
  nlohmann::json out = {{"id", run.id},
                        {"name", run.name},
                        {"experiment", run.experiment},
                        {"status", status_name(run.status)},
                        {"created", iso_time(run.created_ms)},
                        {"started", iso_time(run.started_ms)},
                        {"ended", iso_time(run.ended_ms)},
                        {"backend", run.backend},
                        {"backend_job_id", run.backend_job_id},
                        {"reason", run.reason},
                        {"spec_hash", run.spec_hash}};
  out["exit_code"] = run.exit_code ? nlohmann::json(*run.exit_code) : nlohmann::json(nullptr);
  return out;
}

// The store, reconciled; nullptr (said on stderr) when it cannot be opened or read: a damaged
// store is never shown as an empty or partial history.
std::unique_ptr<RunStore> open_store() {
  std::string error;
  fs::path home = jobc_home();
  if (std::string warning = home_privacy_warning(home); !warning.empty()) {
    std::cerr << "warning: " << warning << "\n";
  }
  auto store = RunStore::open(home, error);
  if (!store) {
    std::cerr << "jobc runs: " << error << "\n";
    return nullptr;
  }
  reconcile_runs(*store);
  if (!store->read_failure().empty()) {
    std::cerr << "jobc runs: " << store->read_failure() << "\n";
    return nullptr;
  }
  return store;
}

std::optional<RunRecord> find_run(RunStore& store, const std::string& id) {
  auto run = store.find(id);
  if (run) return run;
  if (!store.read_failure().empty()) {
    std::cerr << "jobc runs: " << store.read_failure() << "\n";
  } else {
    std::cerr << "jobc runs: no run '" << id << "' (see 'jobc runs list')\n";
  }
  return run;
}

// The run's folder, or nullopt (said on stderr) when it was deleted: its files are gone.
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

int list_runs(const RunsArgs& args) {
  auto store = open_store();
  if (!store) return kExitUsage;
  RunFilter filter{args.experiment, std::nullopt};
  if (!args.status.empty()) {
    filter.status = parse_status(args.status);
    if (!filter.status) {
      std::cerr << "jobc runs list: unknown status '" << args.status
                << "' (Queued, Running, Completed, Failed, Canceled)\n";
      return kExitUsage;
    }
  }
  auto runs = store->list(filter);
  if (!store->read_failure().empty()) {
    std::cerr << "jobc runs list: " << store->read_failure() << "\n";
    return kExitUsage;
  }
  for (const fs::path& folder : unrecorded_run_folders(*store)) {
    std::cerr << "jobc runs list: warning: " << folder.string()
              << " has no record in runs.db (not listed; remove it if it is not needed)\n";
  }
  if (args.output == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const RunRecord& run : runs) out.push_back(run_json(run));
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << fmt::format("{:<40} {:<20} {:<10} {:<21} {}\n", "ID", "EXPERIMENT", "STATUS",
                           "CREATED", "BACKEND");
  for (const RunRecord& run : runs) {
    std::cout << fmt::format("{:<40} {:<20} {:<10} {:<21} {}\n", run.id, run.experiment,
                             status_name(run.status), iso_time(run.created_ms), run.backend);
  }
  return kExitOk;
}

int show_run(const RunsArgs& args) {
  auto store = open_store();
  if (!store) return kExitUsage;
  auto run = find_run(*store, args.run);
  if (!run) return kExitUsage;
  nlohmann::json info = run_json(*run);
  info["folder"] = store->run_dir(run->id).string();
  run_folder(*store, *run);  // a note when it is gone; the record is still shown
  if (args.output == "json") {
    std::cout << info.dump(2) << "\n";
    return kExitOk;
  }
  for (const auto& [key, value] : info.items()) {
    std::cout << fmt::format("{:<15} {}\n", key + ":",
                             value.is_string() ? value.get<std::string>() : value.dump());
  }
  return kExitOk;
}

int run_logs(const RunsArgs& args) {
  auto store = open_store();
  if (!store) return kExitUsage;
  auto run = find_run(*store, args.run);
  if (!run) return kExitUsage;
  auto dir = run_folder(*store, *run);
  if (!dir) return kExitUsage;
  if (!args.follow) {
    print_log(*dir / "std_log.txt", std::cout);
    return kExitOk;
  }
  catch_interrupts();
  RunEndWatch watch(*store, run->id);
  follow_log(
      *dir / "std_log.txt", std::cout, [&] { return watch.ended(); }, interrupt_signal());
  if (int signal = *interrupt_signal()) return 128 + signal;  // as the shell reports it
  if (watch.monitor_lost().empty()) return kExitOk;
  return report_run_end(*store, run->id, watch);
}

int cancel(const RunsArgs& args) {
  auto store = open_store();
  if (!store) return kExitUsage;
  auto run = find_run(*store, args.run);
  if (!run) return kExitUsage;
  cancel_run(*store, run->id);
  // Wait for the monitor to stop the job: it escalates to SIGKILL after its grace period.
  for (int i = 0; i < 200; ++i) {
    auto now = store->find(run->id);
    if (now && is_terminal(now->status)) {
      print_final_status(*now, std::cerr);
      return kExitOk;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (i % 10 == 9) reconcile_runs(*store);
  }
  std::cerr << "jobc runs cancel: the run has not stopped yet\n";
  return kExitInvalid;
}

int download(const RunsArgs& args) {
  auto store = open_store();
  if (!store) return kExitUsage;
  auto run = find_run(*store, args.run);
  if (!run) return kExitUsage;
  auto dir = run_folder(*store, *run);
  if (!dir) return kExitUsage;
  fs::path work = *dir / "work";
  std::vector<std::string> paths;
  if (args.path.empty()) {
    paths = {"outputs", "logs"};
  } else {
    paths = {args.path};
  }
  for (const std::string& item : paths) {
    fs::path relative = fs::path(item).lexically_normal();
    if (relative.is_absolute() || relative.string().rfind("..", 0) == 0) {
      std::cerr << "jobc runs download: '" << item << "' is outside the run's folder\n";
      return kExitUsage;
    }
    std::error_code ec;
    fs::path source = work / relative;
    if (!fs::exists(source, ec)) {
      std::cerr << "jobc runs download: the run has no '" << item << "'\n";
      return kExitUsage;
    }
    // DEST is a folder (as az ml job download's --download-path): it receives the file or
    // folder under its own name.
    fs::path target = fs::path(args.destination) / relative.filename();
    fs::create_directories(fs::is_directory(source) ? target : target.parent_path(), ec);
    fs::copy(source, target, fs::copy_options::recursive | fs::copy_options::overwrite_existing,
             ec);
    if (ec) {
      std::cerr << "jobc runs download: " << ec.message() << "\n";
      return kExitUsage;
    }
    std::cerr << fmt::format("downloaded {} to {}\n", item, target.string());
  }
  return kExitOk;
}

int repair(const RunsArgs&) {
  fs::path home = jobc_home();
  StoreRepair report;
  std::string error;
  if (!RunStore::repair(home, report, error)) {
    std::cerr << "jobc runs repair: " << error << "\n";
    return kExitUsage;
  }
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

Command add_runs_command(CLI::App& app) {
  CLI::App* runs = app.add_subcommand("runs", "List, inspect, follow, cancel and download runs");
  runs->require_subcommand(1);
  auto args = std::make_shared<RunsArgs>();
  auto action = std::make_shared<Action>();

  CLI::App* list = runs->add_subcommand("list", "List runs, newest first");
  list->add_option("--experiment", args->experiment, "only this experiment");
  list->add_option("--status", args->status, "only runs in this status");
  list->add_option("--output", args->output, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  list->callback([=] { *action = [args] { return list_runs(*args); }; });

  CLI::App* show = runs->add_subcommand("show", "Show one run");
  show->add_option("RUN", args->run, "run id, unique id prefix, or name")->required();
  show->add_option("--output", args->output, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  show->callback([=] { *action = [args] { return show_run(*args); }; });

  CLI::App* logs = runs->add_subcommand("logs", "Print a run's output (stdout and stderr)");
  logs->add_option("RUN", args->run, "run id, unique id prefix, or name")->required();
  logs->add_flag("-f,--follow", args->follow, "keep printing until the run ends");
  logs->callback([=] { *action = [args] { return run_logs(*args); }; });

  CLI::App* cancel_command = runs->add_subcommand("cancel", "Cancel a run and wait for it to stop");
  cancel_command->add_option("RUN", args->run, "run id, unique id prefix, or name")->required();
  cancel_command->callback([=] { *action = [args] { return cancel(*args); }; });

  CLI::App* download_command =
      runs->add_subcommand("download", "Copy a run's files (outputs/ and logs/ by default)");
  download_command->add_option("RUN", args->run, "run id, unique id prefix, or name")->required();
  download_command->add_option("PATH", args->path,
                               "a file or folder of the run, e.g. outputs/model.pkl");
  download_command
      ->add_option("-o,--output-dir", args->destination,
                   "the folder to copy into (created if needed)")
      ->required();
  download_command->callback([=] { *action = [args] { return download(*args); }; });

  CLI::App* repair_command =
      runs->add_subcommand("repair", "Rebuild a damaged run store (runs.db) from the run folders");
  repair_command->footer(
      "A damaged runs.db (not a database, a damaged page, emptied while runs/ holds runs) is\n"
      "moved aside as runs.db.damaged-<time>, never deleted, and every run is recorded again\n"
      "from the run.json its folder holds. A store that reads fine is left as it is.");
  repair_command->callback([=] { *action = [args] { return repair(*args); }; });

  runs->footer("Runs live in $JOBC_HOME (default ~/.local/share/jobc): runs.db and runs/<id>/.");
  return {runs, [action] { return (*action) ? (*action)() : kExitUsage; }};
}

}  // namespace jobc::cli
