// What a jobc killed with -9 leaves (a snapshot's staging folder, a run folder it never
// recorded, a Slurm stage) is removed by a later jobc once its owner is provably gone (pid
// and start time); a run folder nobody claims is reported, never removed.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "common/recorded_run.h"
#include "common/run_command.h"
#include "common/temp_dir.h"
#include "runs/monitor.h"
#include "runs/stale_staging.h"
#include "runs/unrecorded_runs.h"
#include "support/process.h"

namespace fs = std::filesystem;

namespace {

// The pid of a process that has exited (and been reaped).
pid_t dead_pid() {
  pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);
  return child;
}

// A folder with one file in a read-only subfolder, as a copied 0500 folder is.
fs::path filled_folder(const fs::path& path) {
  fs::create_directories(path / "locked");
  std::ofstream(path / "locked/file.txt") << "x";
  fs::permissions(path / "locked", fs::perms::owner_read | fs::perms::owner_exec);
  return path;
}

// A claim on `run_dir` by process `pid` (started at `start_time`), as jobc submit writes it.
void claim_as(const fs::path& run_dir, pid_t pid, int64_t start_time,
              const std::vector<std::string>& staging = {}) {
  fs::create_directories(run_dir);
  nlohmann::json claim = {{"pid", pid}, {"start_time", start_time}, {"staging", staging}};
  std::ofstream(run_dir / ".submitting.json") << claim.dump();
}

}  // namespace

TEST_SUITE("runs") {
  TEST_CASE("staging folders of dead snapshot writers are removed; a live writer's stay") {
    jobc::testing::TempDir snapshots;
    fs::path dead =
        filled_folder(snapshots.path / (".staging-" + std::to_string(dead_pid()) + "-3"));
    fs::path live = filled_folder(snapshots.path / (".staging-" + std::to_string(getpid()) + "-2"));
    fs::path other = filled_folder(snapshots.path / "0123abcd");  // a snapshot
    fs::path odd = filled_folder(snapshots.path / ".staging-x-1");
    // Written by an earlier holder of this process's pid: this process started after it.
    fs::path reused =
        filled_folder(snapshots.path / (".staging-" + std::to_string(getpid()) + "-4"));
    fs::last_write_time(reused, fs::file_time_type::clock::now() - std::chrono::hours(2));
    jobc::remove_stale_staging(snapshots.path);
    CHECK_FALSE(fs::exists(dead));
    CHECK_FALSE(fs::exists(reused));
    CHECK(fs::exists(live / "locked/file.txt"));
    CHECK(fs::exists(other));
    CHECK(fs::exists(odd));
  }

  TEST_CASE("a run folder a dead jobc submit never recorded is removed, with its Slurm stage") {
    jobc::testing::RecordedRun recorded(jobc::RunContext{});
    jobc::testing::TempDir stage_root;
    fs::path runs = recorded.home.path / "runs";
    std::string id = "exp_1_deadbeef";
    fs::path stage = filled_folder(stage_root.path / id);
    fs::path not_named_after_it = filled_folder(stage_root.path / "elsewhere");
    claim_as(filled_folder(runs / id), dead_pid(), 1,
             {stage.string(), not_named_after_it.string()});
    // A live submit's folder, and a dead one's whose run was recorded after all.
    claim_as(runs / "exp_2_inprogress", getpid(), jobc::process_start_time(getpid()));
    claim_as(recorded.run_dir, dead_pid(), 1);
    fs::path unclaimed = filled_folder(runs / "exp_3_unknown");

    CHECK(jobc::reconcile_runs(*recorded.store));
    CHECK_FALSE(fs::exists(runs / id));
    CHECK_FALSE(fs::exists(stage));
    CHECK(fs::exists(not_named_after_it));  // never what is not named after the run
    CHECK(fs::exists(runs / "exp_2_inprogress/.submitting.json"));
    CHECK(fs::exists(recorded.run_dir));
    CHECK_FALSE(fs::exists(recorded.run_dir / ".submitting.json"));
    CHECK(fs::exists(unclaimed));
    // Only the folder nobody claims or records is reported.
    CHECK(*jobc::unrecorded_run_folders(*recorded.store) == std::vector<fs::path>{unclaimed});
  }

  TEST_CASE("runs list warns about a run folder with no record") {
    jobc::testing::TempDir home;
    fs::create_directories(home.path / "runs/exp_9_orphan/work");
    auto list =
        jobc::testing::run_command("JOBC_HOME=" + jobc::testing::shell_quote(home.path.string()) +
                                   " " + jobc::testing::jobc_command("runs list"));
    CHECK(list.status == 0);
    CHECK(list.err.find("warning: " + (home.path / "runs/exp_9_orphan").string() +
                        " has no record in runs.db") != std::string::npos);
    CHECK(fs::exists(home.path / "runs/exp_9_orphan/work"));
  }
}
