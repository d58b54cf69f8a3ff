// start_run_group: prepared runs handed to their backend as one job (a Slurm job array). A
// group the backend refuses fails every run, each saying why, and starts no monitor.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "common/temp_dir.h"
#include "jobc/run_store.h"
#include "runs/monitor_config.h"
#include "runs/prepared_run.h"
#include "runs/store_calls.h"

namespace fs = std::filesystem;

namespace {

// Takes groups only to refuse them, keeping what it was given.
class RefusingGroupBackend : public jobc::Backend {
 public:
  std::string name() const override { return "fake"; }
  jobc::Status start(jobc::RunContext&) override { return jobc::fail("not used"); }
  std::optional<jobc::JobExit> poll(jobc::RunContext&, int) override { return std::nullopt; }
  void stop(jobc::RunContext&, bool) override {}
  bool starts_groups() const override { return true; }
  jobc::Status start_group(const std::vector<jobc::RunContext*>& runs,
                           long long max_running) override {
    for (const jobc::RunContext* run : runs) given->push_back(run->run.id);
    *limit = max_running;
    return jobc::fail("the partition is closed");
  }
  std::vector<std::string>* given = nullptr;
  long long* limit = nullptr;
};

// A run recorded Queued in `store`, prepared for `backend`.
jobc::PreparedRun prepared_run(jobc::RunStore& store, const fs::path& home,
                               std::unique_ptr<jobc::Backend> backend) {
  jobc::PreparedRun prepared;
  jobc::RunContext& context = prepared.context;
  context.run.id = jobc::new_run_id("exp");
  context.run.name = context.run.id;
  context.run.experiment = "exp";
  context.run.parent_id = "exp_sweep";
  context.run_dir = store.run_dir(context.run.id);
  context.work_dir = context.run_dir / "work";
  context.artifacts_dir = context.run_dir / "artifacts";
  context.log_file = context.run_dir / "std_log.txt";
  fs::create_directories(context.work_dir);
  REQUIRE(jobc::write_monitor_config(home, context));
  REQUIRE(store.insert(context.run));
  prepared.submission.run = context.run;
  prepared.submission.run_dir = context.run_dir;
  prepared.backend = std::move(backend);
  return prepared;
}

std::string slurp(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_SUITE("runs") {
  TEST_CASE("a group its backend refuses fails every run in it, each saying why") {
    jobc::testing::TempDir home;
    auto store = jobc::testing::open_store(home.path);
    std::vector<std::string> given;
    long long limit = -1;
    std::vector<jobc::PreparedRun> runs;
    for (int i = 0; i < 3; ++i) {
      auto backend = std::make_unique<RefusingGroupBackend>();
      backend->given = &given;
      backend->limit = &limit;
      runs.push_back(prepared_run(*store, home.path, std::move(backend)));
    }
    std::vector<jobc::Result<jobc::Submission>> started = jobc::start_run_group(runs, 2, *store);
    // The backend got every run, in order, with the limit, in one call.
    REQUIRE(given.size() == 3);
    for (size_t i = 0; i < 3; ++i) CHECK(given[i] == runs[i].context.run.id);
    CHECK(limit == 2);
    REQUIRE(started.size() == 3);
    for (size_t i = 0; i < 3; ++i) {
      REQUIRE(started[i]);
      CHECK(started[i]->start_error == "the partition is closed");
      jobc::RunRecord now = *jobc::find_if_readable(*store, runs[i].context.run.id);
      CHECK(now.status == jobc::RunStatus::Failed);
      CHECK(now.reason == "could not start: the partition is closed");
      CHECK(now.monitor_pid == 0);
      CHECK(slurp(runs[i].context.log_file).find("the partition is closed") != std::string::npos);
    }
  }

  TEST_CASE("an empty group starts nothing and asks the backend nothing") {
    jobc::testing::TempDir home;
    auto store = jobc::testing::open_store(home.path);
    std::vector<jobc::PreparedRun> runs;
    CHECK(jobc::start_run_group(runs, 4, *store).empty());
  }
}
