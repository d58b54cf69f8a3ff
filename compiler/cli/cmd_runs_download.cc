// `jobc runs download RUN [PATH] -o DEST`: copies a run's files out: what the job wrote under
// outputs/ and logs/ (its working folder), its output std_log.txt and its artifacts/.
#include <fmt/format.h>

#include <iostream>

#include "cli/cmd_runs.h"

namespace jobc::cli {
namespace {

namespace fs = std::filesystem;

struct DownloadArgs {
  std::string run;
  std::string path;
  std::string destination;
  bool quiet = false;
};

// Where PATH is in the run's folder: std_log.txt and artifacts/ are the run's own (as
// README's layout of runs/<id>/ shows them); anything else is the job's, in work/.
fs::path source_of(const fs::path& dir, const fs::path& relative) {
  std::string first = relative.begin()->string();
  if (first == "std_log.txt" || first == "artifacts") return dir / relative;
  return dir / "work" / relative;
}

int download(const DownloadArgs& args) {
  auto store = open_runs_store();
  if (!store) return kExitUsage;
  auto run = find_run(*store, args.run, "download");
  if (!run) return kExitUsage;
  auto dir = run_folder(*store, *run);
  if (!dir) return kExitUsage;
  std::vector<std::string> paths;
  if (args.path.empty()) {
    paths = {"outputs", "logs"};
  } else {
    paths = {args.path};
  }
  for (const std::string& item : paths) {
    fs::path relative = fs::path(item).lexically_normal();
    if (relative.is_absolute() || relative.empty() || *relative.begin() == "..") {
      std::cerr << "jobc runs download: '" << item << "' is outside the run's folder\n";
      return kExitUsage;
    }
    std::error_code ec;
    fs::path source = source_of(*dir, relative);
    if (!fs::exists(source, ec)) {
      std::cerr << "jobc runs download: the run has no '" << item
                << "' (its files: outputs/, logs/, std_log.txt, artifacts/)\n";
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
    if (!args.quiet) std::cerr << fmt::format("downloaded {} to {}\n", item, target.string());
  }
  return kExitOk;
}

}  // namespace

void add_runs_download_command(CLI::App& runs, const ChosenAction& chosen) {
  auto args = std::make_shared<DownloadArgs>();
  CLI::App* command =
      runs.add_subcommand("download", "Copy a run's files (outputs/ and logs/ by default)");
  add_run_argument(*command, args->run);
  command->add_option("PATH", args->path,
                      "a file or folder of the run: outputs/model.pkl, logs/, std_log.txt (its "
                      "output), artifacts/");
  command
      ->add_option("-o,--output-dir", args->destination,
                   "the folder to copy into (created if needed)")
      ->required();
  add_quiet_flag(*command, args->quiet, "\"downloaded\" lines");
  command->callback([=] { *chosen = [args] { return download(*args); }; });
}

}  // namespace jobc::cli
