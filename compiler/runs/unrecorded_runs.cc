#include "runs/unrecorded_runs.h"

#include <unistd.h>

#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "runs/stale_staging.h"
#include "support/private_files.h"
#include "support/process.h"

namespace jobc {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

fs::path claim_file(const fs::path& run_dir) {
  return run_dir / ".submitting.json";
}

std::optional<json> read_claim(const fs::path& run_dir) {
  std::ifstream in(claim_file(run_dir));
  if (!in) return std::nullopt;
  json claim = json::parse(in, nullptr, false);
  // An unreadable claim (jobc killed while writing it) still says a submit was under way.
  return claim.is_object() ? claim : json::object();
}

Status write_claim(const fs::path& run_dir, const json& claim) {
  return write_private_file_atomically(claim_file(run_dir), claim.dump() + "\n");
}

bool claimant_alive(const json& claim) {
  return same_process_alive(claim.value("pid", 0), claim.value("start_time", int64_t{0}));
}

// What runs/ holds: each folder with its claim, if any, and whether the store records it.
struct RunFolder {
  fs::path path;
  std::optional<json> claim;
  bool recorded = false;
};

Result<std::vector<RunFolder>> run_folders(RunStore& store) {
  Result<std::vector<RunRecord>> runs = store.list({});
  if (!runs) return runs.error();
  std::set<std::string> recorded;
  for (const RunRecord& run : *runs) recorded.insert(run.id);
  std::vector<RunFolder> folders;
  std::error_code ec;
  for (fs::directory_iterator it(store.home() / "runs", ec), end; !ec && it != end;
       it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.starts_with(".") || !it->is_directory(ec) || it->is_symlink(ec)) continue;
    folders.push_back({it->path(), read_claim(it->path()), recorded.count(name) > 0});
  }
  return folders;
}

}  // namespace

Status claim_run_folder(const fs::path& run_dir) {
  // The run's folder is its owner's alone (it holds the job's code and outputs).
  if (Status created = create_private_folder(run_dir); !created) return created;
  json claim = {{"pid", getpid()}, {"start_time", process_start_time(getpid())}};
  if (!write_claim(run_dir, claim)) return fail("cannot write " + claim_file(run_dir).string());
  return {};
}

void note_run_staging(const fs::path& run_dir, const fs::path& staging) {
  json claim = read_claim(run_dir).value_or(json::object());
  claim["staging"].push_back(staging.string());
  (void)write_claim(run_dir, claim);  // best effort: an unnoted staging is only left behind
}

void release_run_folder(const fs::path& run_dir) {
  std::error_code ignored;
  fs::remove(claim_file(run_dir), ignored);
}

Status remove_abandoned_run_folders(RunStore& store) {
  Result<std::vector<RunFolder>> folders = run_folders(store);
  if (!folders) return folders.error();
  for (const RunFolder& folder : *folders) {
    if (!folder.claim || claimant_alive(*folder.claim)) continue;
    // Recorded after all (jobc was killed before it released the claim), perhaps just now.
    std::string id = folder.path.filename().string();
    auto run = folder.recorded ? std::nullopt : find_if_readable(store, id);
    if (folder.recorded || (run && run->id == id)) {
      release_run_folder(folder.path);
      continue;
    }
    // Only what is named after the run (a Slurm stage, STAGING_DIR/<run id>).
    for (const json& staging : folder.claim->value("staging", json::array())) {
      if (staging.is_string() && fs::path(staging.get<std::string>()).filename() == id) {
        remove_folder_forcibly(staging.get<std::string>());
      }
    }
    remove_folder_forcibly(folder.path);
  }
  return {};
}

Result<std::vector<fs::path>> unrecorded_run_folders(RunStore& store) {
  Result<std::vector<RunFolder>> folders = run_folders(store);
  if (!folders) return folders.error();
  std::vector<fs::path> unrecorded;
  for (const RunFolder& folder : *folders) {
    if (!folder.recorded && !folder.claim) unrecorded.push_back(folder.path);
  }
  return unrecorded;
}

}  // namespace jobc
