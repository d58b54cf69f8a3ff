// `jobc runs list|show|logs|cancel|download`: the run store from the command line.
#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/run_status_exit.h"
#include "runs/log_follow.h"
#include "runs/monitor.h"
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

std::unique_ptr<RunStore> open_store() {
  std::string error;
  auto store = RunStore::open(jobc_home(), error);
  if (!store) {
    std::cerr << "jobc runs: " << error << "\n";
    return nullptr;
  }
  reconcile_runs(*store);
  return store;
}

std::optional<RunRecord> find_run(RunStore& store, const std::string& id) {
  auto run = store.find(id);
  if (!run) std::cerr << "jobc runs: no run '" << id << "' (see 'jobc runs list')\n";
  return run;
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
  fs::path dir = store->run_dir(run->id);
  if (!args.follow) {
    print_log(dir / "std_log.txt", std::cout);
    return kExitOk;
  }
  fs::path done = final_status_file(dir);
  follow_log(
      dir / "std_log.txt", std::cout,
      [&] {
        if (fs::exists(done)) return true;
        auto now = store->find(run->id);
        return !now || is_terminal(now->status);
      },
      nullptr);
  return kExitOk;
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
  fs::path work = store->run_dir(run->id) / "work";
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

  runs->footer("Runs live in $JOBC_HOME (default ~/.local/share/jobc): runs.db and runs/<id>/.");
  return {runs, [action] { return (*action) ? (*action)() : kExitUsage; }};
}

}  // namespace jobc::cli
