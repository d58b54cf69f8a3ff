// `jobc submit` shows its own diagnostics (a job its backend cannot run, a --compute file
// with an error) as `jobc validate` does: file:line:col, the source line and a caret under
// the value. The command's one SourceManager holds every file they point into.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "common/run_command.h"
#include "common/temp_dir.h"

namespace fs = std::filesystem;
using jobc::testing::shell_quote;

namespace {

jobc::testing::CommandResult submit(const jobc::testing::TempDir& dir, const std::string& args) {
  return jobc::testing::run_command("JOBC_HOME=" + shell_quote((dir.path / "home").string()) + " " +
                                    jobc::testing::jobc_command("submit --detach " + args));
}

}  // namespace

TEST_SUITE("cli") {
  TEST_CASE("submit diagnostics carry file:line:col, the source line and a caret") {
    jobc::testing::TempDir dir;
    fs::path job = dir.path / "job.yml";
    SUBCASE("more instances than the local backend runs") {
      std::ofstream(job) << "command: echo\n"
                            "environment: {image: python:3.11-slim}\n"
                            "resources: {instance_count: 2}\n";
      auto result = submit(dir, shell_quote(job.string()));
      CHECK(result.status == 1);
      CHECK_MESSAGE(result.err.find(job.string() + ":3:29: error") != std::string::npos,
                    result.err);
      CHECK(result.err.find(" 3 | resources: {instance_count: 2}\n") != std::string::npos);
      CHECK(result.err.find("   | " + std::string(28, ' ') + "^\n") != std::string::npos);
      CHECK(result.err.find("the local backend runs one instance") != std::string::npos);
    }
    SUBCASE("a --compute file with an error") {
      std::ofstream(job) << "command: echo\nenvironment: {image: python:3.11-slim}\n";
      fs::path compute = dir.path / "hpc.yml";
      std::ofstream(compute) << "name: hpc\n"
                                "type: slurm\n"
                                "endpoint: http://127.0.0.1:6820\n"
                                "user: alice\n"
                                "staging_dir: /shared/stage/\n"
                                "token_env: MY_JWT\n"
                                "colour: blue\n";
      auto result = submit(
          dir, "--compute " + shell_quote(compute.string()) + " " + shell_quote(job.string()));
      CHECK(result.status == 1);
      CHECK_MESSAGE(result.err.find(compute.string() + ":7:1: error") != std::string::npos,
                    result.err);
      CHECK(result.err.find(" 7 | colour: blue\n") != std::string::npos);
      CHECK(result.err.find("   | ^") != std::string::npos);
    }
    fs::path runs = dir.path / "home" / "runs";
    bool no_run = !fs::exists(runs) || fs::is_empty(runs);
    CHECK(no_run);
  }
}
