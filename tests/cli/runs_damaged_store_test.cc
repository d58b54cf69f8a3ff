// The run store loses nothing, from the command line: with a damaged runs.db every `jobc
// runs` command (and `jobc submit`) says so and how to repair it, never an empty history;
// `jobc runs repair` restores every run; a run whose folder was deleted says so.
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "common/jobc_sandbox.h"

namespace fs = std::filesystem;
using jobc::testing::JobcSandbox;
using jobc::testing::shell_quote;

namespace {

// Two ended runs: one Completed, one Failed with exit code 3. Their ids.
std::vector<std::string> two_ended_runs(const JobcSandbox& box) {
  std::vector<std::string> ids;
  for (const char* command : {"echo one", "echo two; exit 3"}) {
    auto result =
        box.jobc("submit --detach " +
                 shell_quote(box.job(std::string("command: ") + command + "\n").string()));
    REQUIRE_MESSAGE(result.status == 0, result.err);
    ids.push_back(result.out.substr(0, result.out.find('\n')));
    box.jobc("runs logs --follow " + ids.back());
  }
  return ids;
}

void check_says_damaged(const jobc::testing::CommandResult& result, const std::string& what) {
  INFO(what << ": " << result.err);
  CHECK(result.status == 2);
  CHECK(result.err.find("is damaged") != std::string::npos);
  CHECK(result.err.find("jobc runs repair") != std::string::npos);
  CHECK(result.out.find("echo") == std::string::npos);
}

}  // namespace

TEST_SUITE("local") {
  TEST_CASE("a damaged run store is reported by every command, and repaired from the folders") {
    JobcSandbox box;
    auto ids = two_ended_runs(box);
    fs::path db = box.home() / "runs.db";
    // Once every jobc has ended (a monitor outlives the run's final status by a moment), all
    // of the store is in runs.db.
    for (int i = 0; i < 500 && fs::exists(db.string() + "-wal"); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    REQUIRE(!fs::exists(db.string() + "-wal"));
    SUBCASE("garbage") {
      std::ofstream(db, std::ios::binary) << std::string(20000, '#');
    }
    SUBCASE("truncated to zero bytes") {
      fs::resize_file(db, 0);
    }
    SUBCASE("a damaged page") {
      std::fstream file(db, std::ios::in | std::ios::out | std::ios::binary);
      file.seekp(4096);  // page 2: the runs table
      file << std::string(64, '\xa5');
    }
    check_says_damaged(box.jobc("runs list"), "list");
    check_says_damaged(box.jobc("runs show " + ids[0]), "show");
    check_says_damaged(box.jobc("runs logs " + ids[0]), "logs");
    check_says_damaged(box.jobc("runs cancel " + ids[0]), "cancel");
    check_says_damaged(
        box.jobc("runs download " + ids[0] + " -o " + shell_quote(box.dir.path.string())),
        "download");
    check_says_damaged(
        box.jobc("submit --detach " + shell_quote(box.job("command: echo x\n").string())),
        "submit");

    auto repair = box.jobc("runs repair");
    CHECK_MESSAGE(repair.status == 0, repair.err);
    CHECK(repair.err.find("restored 2 runs") != std::string::npos);
    CHECK(repair.err.find("runs.db.damaged-") != std::string::npos);
    auto completed = box.run(ids[0]);
    auto failed = box.run(ids[1]);
    CHECK(completed["status"] == "Completed");
    CHECK(completed["exit_code"] == 0);
    CHECK(failed["status"] == "Failed");
    CHECK(failed["exit_code"] == 3);
    CHECK(failed["reason"] == "exit code 3");
    CHECK(box.jobc("runs logs " + ids[1]).out.find("two") != std::string::npos);
    CHECK(box.jobc("runs repair").err.find("nothing to repair") != std::string::npos);
  }

  TEST_CASE("a run whose folder was deleted says so in runs show and runs logs") {
    JobcSandbox box;
    auto ids = two_ended_runs(box);
    fs::remove_all(box.home() / "runs" / ids[0]);
    auto show = box.jobc("runs show " + ids[0]);
    CHECK(show.status == 0);  // the record is still there
    CHECK(show.out.find("Completed") != std::string::npos);
    CHECK(show.err.find("has been deleted") != std::string::npos);
    auto logs = box.jobc("runs logs " + ids[0]);
    CHECK(logs.status == 2);
    CHECK(logs.err.find("has been deleted") != std::string::npos);
    CHECK(box.jobc("runs logs --follow " + ids[0]).err.find("has been deleted") !=
          std::string::npos);
    CHECK(box.jobc("runs list").status == 0);  // a run without its folder is no damage
  }
}
