// queue_run_group: runs queued as one scheduler job before they are prepared. What cannot be
// queued leaves nothing behind: no record, no folder. (Queued groups running on a real
// cluster: tests/slurm, suite slurm.)
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "common/compiled_spec.h"
#include "common/temp_dir.h"
#include "jobc/run_store.h"
#include "runs/prepared_run.h"
#include "runs/store_calls.h"

namespace fs = std::filesystem;

namespace {

// How many runs `store` lists, and whether its runs/ folder holds any.
size_t runs_left(jobc::RunStore& store, const fs::path& home) {
  auto listed = store.list({});
  REQUIRE(listed);
  size_t folders = 0;
  if (fs::exists(home / "runs")) {
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(home / "runs")) ++folders;
  }
  return listed->size() + folders;
}

// A run store, a folder for specs, and what queue_run_group reports into.
struct Setting {
  jobc::testing::TempDir home;
  jobc::testing::TempDir specs;
  std::unique_ptr<jobc::RunStore> store = jobc::testing::open_store(home.path);
  jobc::SourceManager sources;
  jobc::DiagnosticSink sink;
};

}  // namespace

TEST_SUITE("runs") {
  TEST_CASE("a group on a backend that cannot queue groups is refused, and nothing is recorded") {
    Setting at;
    auto compiled = jobc::testing::compile_spec_text(
        at.specs.path, "command: echo hi\nenvironment: {image: python:3.11-slim}\n");
    jobc::SubmitOptions options;
    options.compute = "local";
    auto queued =
        jobc::queue_run_group(compiled.result, options, 3, 0, *at.store, at.sources, at.sink);
    REQUIRE_FALSE(queued);
    CHECK(queued.error().message == "the local backend cannot queue several runs as one job");
    CHECK(runs_left(*at.store, at.home.path) == 0);
  }

  TEST_CASE("a Slurm group without its token queues nothing, asks Slurm nothing, records nothing") {
    Setting at;
    // slurmrestd's address is closed: a request would fail differently, and slowly.
    std::ofstream(at.specs.path / "hpc.yml")
        << "name: hpc\ntype: slurm\nendpoint: http://127.0.0.1:9\n"
           "user: root\nstaging_dir: "
        << (at.specs.path / "stage").string()
        << "\ntoken_file: " << (at.specs.path / "no-token").string() << "\n";
    auto compiled = jobc::testing::compile_spec_text(at.specs.path,
                                                     "command: echo hi\ncompute: hpc.yml\n"
                                                     "environment: {image: python:3.11-slim}\n");
    auto queued = jobc::queue_run_group(compiled.result, {}, 3, 2, *at.store, at.sources, at.sink);
    REQUIRE_FALSE(queued);
    CHECK(queued.error().message.find("no-token") != std::string::npos);
    CHECK(runs_left(*at.store, at.home.path) == 0);
    CHECK_FALSE(fs::exists(at.specs.path / "stage"));
  }

  TEST_CASE("a queue of no runs is refused before anything is asked") {
    Setting at;
    auto compiled = jobc::testing::compile_spec_text(
        at.specs.path, "command: echo hi\nenvironment: {image: python:3.11-slim}\n");
    auto queued = jobc::queue_run_group(compiled.result, {}, 0, 0, *at.store, at.sources, at.sink);
    REQUIRE_FALSE(queued);
    CHECK(queued.error().message == "no runs to queue");
  }
}
