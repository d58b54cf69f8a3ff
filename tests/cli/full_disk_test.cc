// A full disk under $JOBC_HOME (a 2 MB tmpfs, a job writing 6 MB to stdout, which is the
// run's log there) ends the run Failed with that reason: never left Running because SQLite
// could not write (SQLITE_FULL), and `jobc runs cancel` works.
#include <doctest/doctest.h>
#include <sys/statvfs.h>

#include <chrono>
#include <thread>

#include "common/jobc_sandbox.h"

namespace fs = std::filesystem;
using jobc::testing::JobcSandbox;
using jobc::testing::run_command;
using jobc::testing::shell_quote;

namespace {

// A 2 MB tmpfs mounted on the sandbox's home for the test's length, when this process may
// mount (root, or CAP_SYS_ADMIN); else `why_not` says why the test cannot run.
struct SmallDisk {
  fs::path path;
  std::string why_not;

  explicit SmallDisk(fs::path at) : path(std::move(at)) {
    fs::create_directories(path);
    auto mounted =
        run_command("mount -t tmpfs -o size=2m,mode=0700 tmpfs " + shell_quote(path.string()));
    if (mounted.status != 0) why_not = "cannot mount a tmpfs here: " + mounted.err;
  }
  ~SmallDisk() {
    if (why_not.empty()) run_command("umount -l " + shell_quote(path.string()));
  }

  bool full() const {
    struct statvfs disk {};
    return statvfs(path.c_str(), &disk) == 0 && disk.f_bavail == 0;
  }
};

// Waits until run `id` has ended; its record.
nlohmann::json wait_for_end(const JobcSandbox& box, const std::string& id) {
  nlohmann::json run;
  for (int i = 0; i < 1500; ++i) {
    run = box.run(id);
    std::string status = run.value("status", "");
    if (status != "Running" && status != "Queued") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return run;
}

}  // namespace

TEST_SUITE("local") {
  TEST_CASE("a job that fills the disk of $JOBC_HOME ends Failed, saying the disk is full") {
    JobcSandbox box;
    SmallDisk disk(box.home());
    if (!disk.why_not.empty()) {
      MESSAGE("skipped: " << disk.why_not);
      return;
    }
    std::string id = box.start("command: head -c 6000000 /dev/zero\n");
    auto run = wait_for_end(box, id);
    CHECK(run["status"] == "Failed");  // before: Running for good
    std::string reason = run.value("reason", "");
    CHECK_MESSAGE(reason.find("disk") != std::string::npos, reason);
    CHECK(reason.find("full (ENOSPC)") != std::string::npos);
    auto listed = box.jobc("runs list");
    CHECK(listed.status == 0);
    CHECK(listed.out.find("Running") == std::string::npos);
    auto cancel = box.jobc("runs cancel " + id);
    CHECK(cancel.status == 0);
    CHECK(cancel.err.find("Failed") != std::string::npos);
  }

  TEST_CASE("a run still going on a full disk can be canceled") {
    JobcSandbox box;
    SmallDisk disk(box.home());
    if (!disk.why_not.empty()) {
      MESSAGE("skipped: " << disk.why_not);
      return;
    }
    std::string id = box.start("command: head -c 6000000 /dev/zero; sleep 76\n");
    for (int i = 0; i < 500 && !disk.full(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    REQUIRE(disk.full());
    auto cancel = box.jobc("runs cancel " + id);
    CHECK_MESSAGE(cancel.status == 0, cancel.err);
    CHECK(box.run(id)["status"] == "Canceled");  // before: Running for good
    CHECK(!jobc::testing::process_running("sleep 76"));
  }
}
