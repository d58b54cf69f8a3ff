// Canceling a run while its monitor starts the job: the cancel must reach the monitor and
// stop the job, never be overwritten by the monitor's own record. The monitor runs in a
// child process with a backend whose start() waits for the test.
#include "runs/cancel.h"

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "common/monitor_child.h"
#include "common/recorded_run.h"
#include "common/run_command.h"

namespace fs = std::filesystem;

namespace {

using jobc::testing::reap;
using jobc::testing::touch;
using jobc::testing::wait_for_file;

// A job that runs for two seconds unless stopped. start() says it is starting, then waits
// for the test's "go"; stop() leaves a file saying it was called.
class SlowStartBackend : public jobc::Backend {
 public:
  explicit SlowStartBackend(fs::path dir) : dir_(std::move(dir)) {}
  std::string name() const override { return "fake"; }
  jobc::Status start(jobc::RunContext& context) override {
    touch(dir_ / "starting");
    wait_for_file(dir_ / "go", 20);
    context.run.backend_job_id = "job-1";
    ends_ = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    return {};
  }
  std::optional<jobc::JobExit> poll(jobc::RunContext&, int wait_ms) override {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
    while (std::chrono::steady_clock::now() < deadline) {
      if (stopped_) return jobc::JobExit{143, 15};
      if (std::chrono::steady_clock::now() >= ends_) return jobc::JobExit{0, 0};
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return std::nullopt;
  }
  void stop(jobc::RunContext&, bool) override {
    touch(dir_ / "stopped");
    stopped_ = true;
  }

 private:
  fs::path dir_;
  std::chrono::steady_clock::time_point ends_{};
  bool stopped_ = false;
};

jobc::RunContext pending_context() {
  jobc::RunContext context;
  context.run.backend = "fake";
  context.run.created_ms = jobc::now_ms();
  return context;
}

// A recorded run with its monitor.json, not started yet.
struct PendingRun : jobc::testing::RecordedRun {
  PendingRun() : RecordedRun(pending_context()) {}

  // `jobc __monitor RUN_DIR` with the fake backend, in a child process.
  pid_t start_monitor() const {
    fs::path dir = run_dir;
    return jobc::testing::start_monitor_child(dir,
                                              [dir](const std::string&, const nlohmann::json&) {
                                                return std::make_unique<SlowStartBackend>(dir);
                                              });
  }

  jobc::RunStatus status() const { return now().status; }
};

}  // namespace

TEST_SUITE("runs") {
  TEST_CASE("a cancel while the monitor starts the job stops the job and stays Canceled") {
    PendingRun pending;
    pid_t monitor = pending.start_monitor();
    REQUIRE(wait_for_file(pending.run_dir / "starting", 20));
    // The monitor is inside start(): it must already be on record, so the cancel reaches it.
    CHECK(pending.now().monitor_pid == monitor);
    jobc::Status canceled = jobc::cancel_run(*pending.store, pending.run.id);
    REQUIRE_MESSAGE(canceled.ok(), canceled.error().message);
    touch(pending.run_dir / "go");
    REQUIRE(reap(monitor, 30));
    auto run = pending.now();
    CHECK(run.status == jobc::RunStatus::Canceled);
    CHECK(run.reason == "canceled by the user");
    CHECK(fs::exists(pending.run_dir / "stopped"));  // the job did not run on
    CHECK(jobc::testing::slurp(jobc::final_status_file(pending.run_dir)).find("Canceled") !=
          std::string::npos);
  }

  TEST_CASE("a run canceled before its monitor began is not started by it") {
    PendingRun pending;
    jobc::Status canceled = jobc::cancel_run(*pending.store, pending.run.id);
    REQUIRE_MESSAGE(canceled.ok(), canceled.error().message);
    CHECK(pending.status() == jobc::RunStatus::Canceled);
    pid_t monitor = pending.start_monitor();
    REQUIRE(reap(monitor, 30));
    CHECK(!fs::exists(pending.run_dir / "starting"));
    CHECK(pending.status() == jobc::RunStatus::Canceled);
    CHECK(fs::exists(jobc::final_status_file(pending.run_dir)));
  }
}
