// `jobc runs repair`: a damaged run store is moved aside, never deleted, and rebuilt from the
// run folders, whose run.json holds each run's record as the store last wrote it. Deletes a
// crash interrupted (folders left in trash/) are finished.
#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <regex>

#include "jobc/run_store.h"
#include "runs/monitor.h"
#include "runs/monitor_config.h"
#include "runs/run_record_file.h"

namespace jobc {
namespace {

namespace fs = std::filesystem;

int64_t modified_ms(const fs::path& file) {
  struct stat info {};
  if (stat(file.c_str(), &info) != 0) return 0;
  return int64_t(info.st_mtim.tv_sec) * 1000 + info.st_mtim.tv_nsec / 1000000;
}

// The record of a run from before jobc wrote run.json: what its monitor.json (written when
// it was recorded) and final_status.json (written when it ended) tell.
std::optional<RunRecord> record_from_older_files(const fs::path& dir) {
  auto config = read_monitor_config(dir);
  if (!config) return std::nullopt;
  RunRecord run;
  run.id = dir.filename().string();
  run.name = run.id;
  std::smatch id_parts;  // <experiment>_<unix seconds>_<8 hex digits> (new_run_id)
  if (std::regex_match(run.id, id_parts, std::regex("(.*)_[0-9]+_[0-9a-f]{8}"))) {
    run.experiment = id_parts[1];
  }
  run.backend = config->value("backend", "");
  run.created_ms = modified_ms(monitor_config_file(dir));
  std::ifstream in(final_status_file(dir));
  auto final_status = nlohmann::json::parse(in, nullptr, false);
  auto status =
      final_status.is_object() ? parse_status(final_status.value("status", "")) : std::nullopt;
  if (!status) {
    run.status = RunStatus::Failed;
    run.reason = "its record was lost with a damaged run store, before it ended";
    return run;
  }
  run.status = *status;
  run.reason = final_status.value("reason", "");
  if (final_status.contains("exit_code") && final_status["exit_code"].is_number_integer()) {
    run.exit_code = final_status["exit_code"].get<int>();
  }
  run.ended_ms = modified_ms(final_status_file(dir));
  return run;
}

// HOME/runs.db.damaged-<UTC time>, not taken yet.
fs::path damaged_name(const fs::path& home) {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  fs::path name = home / fmt::format("runs.db.damaged-{}", stamp);
  std::error_code ec;
  for (int n = 2; fs::exists(name, ec); ++n) {
    name = home / fmt::format("runs.db.damaged-{}-{}", stamp, n);
  }
  return name;
}

// Moves runs.db with its -wal and -shm files (which may hold its newest pages) aside: where
// it went, or "" when there was none.
Result<fs::path> move_aside(const fs::path& home) {
  fs::path db = home / "runs.db";
  if (std::error_code ec; !fs::exists(db, ec)) return fs::path();
  fs::path kept_as = damaged_name(home);
  for (const char* suffix : {"-wal", "-shm", ""}) {
    std::error_code ec;
    fs::path from = db.string() + suffix;
    if (!fs::exists(from, ec)) continue;
    fs::rename(from, kept_as.string() + suffix, ec);
    if (ec) return fail(fmt::format("cannot move {} aside: {}", from.string(), ec.message()));
  }
  return kept_as;
}

std::vector<fs::path> run_folders(const fs::path& runs) {
  std::vector<fs::path> folders;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(runs, ec)) {
    if (entry.is_directory(ec)) folders.push_back(entry.path());
  }
  std::sort(folders.begin(), folders.end());
  return folders;
}

}  // namespace

Result<StoreRepair> RunStore::repair(const fs::path& home) {
  StoreRepair report;
  if (auto store = open_at(home, false)) {
    if ((*store)->reads_fine()) {
      report.deletes_finished = (*store)->finish_interrupted_removals();
      return report;
    }
  } else if (!store.error().damaged) {
    return fail(store.error().message);  // not damage (say, no permission): nothing to repair
  }
  report.was_damaged = true;
  Result<fs::path> kept_as = move_aside(home);
  if (!kept_as) return kept_as.error();
  report.kept_as = *kept_as;
  auto opened = open_at(home, true);
  if (!opened) return fail(opened.error().message);
  std::unique_ptr<RunStore>& store = *opened;
  for (const fs::path& folder : run_folders(home / "runs")) {
    auto run = read_run_record_file(folder);
    if (!run) run = record_from_older_files(folder);
    if (!run) {
      report.without_record.push_back(folder.filename().string());
      continue;
    }
    run->id = folder.filename().string();  // the folder is what the record must lead to
    if (Status inserted = store->insert(*run); !inserted) {
      return fail(fmt::format("cannot record run {}: {}", run->id, inserted.error().message));
    }
    ++report.restored;
  }
  report.deletes_finished = store->finish_interrupted_removals();
  return report;
}

}  // namespace jobc
