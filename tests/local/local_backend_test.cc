// The local backend's part in stopping a run whose monitor is gone: the recorded process
// group is killed when its leader is still the job's, the processes that left the group are
// found by the job's marker, and a record that names no real group, or a group whose id was
// reused by another process, never signals anything.
#include "backends/local/local_backend.h"

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <thread>

#include "backends/local/local_job_files.h"
#include "common/run_command.h"
#include "common/temp_dir.h"
#include "support/process.h"

namespace {

// True while a process of group `pgid` runs. Zombies do not count: the killed group's
// orphans are reaped by init, which may take its time.
bool group_running(pid_t pgid) {
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc", ec), end; !ec && it != end;
       it.increment(ec)) {
    std::string stat = jobc::testing::slurp(it->path() / "stat");
    size_t paren = stat.rfind(')');
    if (paren == std::string::npos) continue;
    std::istringstream fields(stat.substr(paren + 2));
    std::string state;
    pid_t parent = 0, group = 0;
    fields >> state >> parent >> group;
    if (group == pgid && state != "Z") return true;
  }
  return false;
}

}  // namespace

TEST_SUITE("local") {
  TEST_CASE("stop_orphaned kills the recorded process group, and refuses what is not one") {
    jobc::SpawnOptions options;
    options.argv = {"sh", "-c", "sleep 60 & sleep 60"};
    std::string error;
    auto spawned = jobc::spawn_process(options);
    REQUIRE_MESSAGE(spawned, (spawned ? "" : spawned.error().message));
    pid_t leader = *spawned;
    jobc::testing::TempDir run_dir;
    jobc::RunContext context;
    context.run_dir = run_dir.path;
    context.run.backend_job_id = std::to_string(leader);
    REQUIRE(jobc::write_job_leader(run_dir.path, {leader, jobc::process_start_time(leader)}));
    {
      jobc::Status status = jobc::LocalBackend().stop_orphaned(context);
      CHECK_MESSAGE(status.ok(), status.error().message);
    }
    waitpid(leader, nullptr, 0);
    for (int i = 0; i < 500 && group_running(leader); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    CHECK_FALSE(group_running(leader));  // the background sleep too

    for (std::string bad : {"1", "0", "-5", "12abc"}) {
      CAPTURE(bad);
      context.run.backend_job_id = bad;
      {
        jobc::Status status = jobc::LocalBackend().stop_orphaned(context);
        CHECK_FALSE(status.ok());
        if (!status.ok()) error = status.error().message;
      }
    }
    context.run.backend_job_id.clear();  // never started
    {
      jobc::Status status = jobc::LocalBackend().stop_orphaned(context);
      CHECK_MESSAGE(status.ok(), status.error().message);
    }
  }

  TEST_CASE("stop_orphaned leaves alone a process group whose leader is not the recorded one") {
    // An unrelated process that now holds the recorded pid (and leads a group of that id):
    // its start time differs from the one recorded for the job's leader.
    jobc::SpawnOptions options;
    options.argv = {"sleep", "30"};
    std::string error;
    auto spawned = jobc::spawn_process(options);
    REQUIRE_MESSAGE(spawned, (spawned ? "" : spawned.error().message));
    pid_t unrelated = *spawned;
    jobc::testing::TempDir run_dir;
    jobc::RunContext context;
    context.run_dir = run_dir.path;
    context.run.id = "exp_1_reused";
    context.run.backend_job_id = std::to_string(unrelated);
    REQUIRE(
        jobc::write_job_leader(run_dir.path, {unrelated, jobc::process_start_time(unrelated) + 1}));
    {
      jobc::Status status = jobc::LocalBackend().stop_orphaned(context);
      CHECK_MESSAGE(status.ok(), status.error().message);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(waitpid(unrelated, nullptr, WNOHANG) == 0);  // still running
    kill(unrelated, SIGKILL);
    waitpid(unrelated, nullptr, 0);
  }
}
