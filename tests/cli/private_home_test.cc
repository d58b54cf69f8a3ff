// Only their owner may read jobc's home, the run store and the run folders: they hold other
// people's code, output and history. A home made open to others is warned of.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include "common/jobc_sandbox.h"

namespace fs = std::filesystem;
using jobc::testing::JobcSandbox;
using jobc::testing::shell_quote;

namespace {

unsigned mode_of(const fs::path& path) {
  struct stat info {};
  REQUIRE(stat(path.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

}  // namespace

TEST_SUITE("local") {
  TEST_CASE("jobc submit makes JOBC_HOME and the run folder 0700, runs.db and run.json 0600") {
    JobcSandbox box;
    auto submitted = box.jobc("submit --stream " + shell_quote(box.job("command: echo hi\n")));
    REQUIRE_MESSAGE(submitted.status == 0, submitted.err);
    CHECK(submitted.err.find("warning") == std::string::npos);
    auto runs = nlohmann::json::parse(box.jobc("runs list --output json").out);
    REQUIRE(runs.size() == 1);
    fs::path run_dir = box.home() / "runs" / runs[0]["id"].get<std::string>();
    CHECK(mode_of(box.home()) == 0700);
    CHECK(mode_of(box.home() / "runs") == 0700);
    CHECK(mode_of(run_dir) == 0700);
    CHECK(mode_of(box.home() / "runs.db") == 0600);
    CHECK(mode_of(run_dir / "run.json") == 0600);

    chmod(box.home().c_str(), 0755);
    auto listed = box.jobc("runs list");
    CHECK(listed.status == 0);
    CHECK(listed.err.find("warning: " + box.home().string() + " is open to other users") !=
          std::string::npos);
    CHECK(listed.err.find("chmod 700") != std::string::npos);
    CHECK(mode_of(box.home()) == 0755);  // the user's to change: jobc only says so
  }
}
