// A run whose monitor is gone: `jobc runs cancel` and the reconciliation of stale runs stop
// the job through the run's own backend (a fake here, which records what it was given).
#include "runs/orphaned_job.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "common/recorded_run.h"
#include "runs/cancel.h"
#include "runs/monitor.h"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

struct StopCall {
  std::string backend;
  std::string job_id;
  json backend_state;
};

class RecordingBackend : public jobc::Backend {
 public:
  RecordingBackend(std::string name, std::vector<StopCall>& calls, std::string failure,
                   std::optional<jobc::JobExit> kept_exit)
      : name_(std::move(name)),
        calls_(calls),
        failure_(std::move(failure)),
        kept_exit_(std::move(kept_exit)) {}
  std::string name() const override { return name_; }
  jobc::Status start(jobc::RunContext&) override { return jobc::fail("not a real backend"); }
  std::optional<jobc::JobExit> poll(jobc::RunContext&, int) override { return std::nullopt; }
  void stop(jobc::RunContext&, bool) override {}
  jobc::Status stop_orphaned(jobc::RunContext& context) override {
    calls_.push_back({name_, context.run.backend_job_id, context.backend_state});
    if (!failure_.empty()) return jobc::fail(failure_);
    return {};
  }
  std::optional<jobc::JobExit> orphaned_exit(jobc::RunContext&) override { return kept_exit_; }

 private:
  std::string name_;
  std::vector<StopCall>& calls_;
  std::string failure_;
  std::optional<jobc::JobExit> kept_exit_;
};

jobc::RunContext orphaned_context(const std::string& backend, int64_t monitor_pid,
                                  const std::string& job_id) {
  jobc::RunContext context;
  context.run.backend = backend;
  context.run.created_ms = 1000;  // long ago
  context.run.status = jobc::RunStatus::Running;
  context.run.backend_job_id = job_id;
  context.run.monitor_pid = monitor_pid;
  context.run.monitor_start = 1;  // not this process's start time: the monitor is gone
  context.backend_state = {{"engine", "unix:///fake.sock"}};
  return context;
}

// A store holding one Running run of `backend` whose monitor is gone.
struct OrphanedRun : jobc::testing::RecordedRun {
  std::vector<StopCall> calls;
  std::string failure;  // what the fake backend's stop_orphaned fails with, if anything
  std::optional<jobc::JobExit> kept_exit;  // the exit the job kept, if it ended on its own

  explicit OrphanedRun(const std::string& backend, int64_t monitor_pid = getpid(),
                       const std::string& job_id = "job-7")
      : RecordedRun(orphaned_context(backend, monitor_pid, job_id)) {}
  jobc::BackendFactory factory() {
    return [this](const std::string& name, const json&) {
      return std::make_unique<RecordingBackend>(name, calls, failure, kept_exit);
    };
  }
};

}  // namespace

TEST_SUITE("runs") {
  TEST_CASE("runs cancel with the monitor gone stops the job through the run's backend") {
    for (std::string backend : {"local", "docker", "slurm"}) {
      CAPTURE(backend);
      OrphanedRun orphan(backend);
      jobc::Status canceled = jobc::cancel_run(*orphan.store, orphan.run.id, orphan.factory());
      REQUIRE_MESSAGE(canceled.ok(), canceled.error().message);
      REQUIRE(orphan.calls.size() == 1);
      CHECK(orphan.calls[0].backend == backend);
      CHECK(orphan.calls[0].job_id == "job-7");
      CHECK(orphan.calls[0].backend_state["engine"] == "unix:///fake.sock");  // monitor.json's
      CHECK(orphan.now().status == jobc::RunStatus::Canceled);
      CHECK(orphan.now().reason == "canceled by the user");
    }
  }

  TEST_CASE("a stale run is marked Failed and its job stopped through its backend") {
    OrphanedRun orphan("docker");
    CHECK(jobc::reconcile_runs(*orphan.store, orphan.factory()));
    REQUIRE(orphan.calls.size() == 1);
    CHECK(orphan.calls[0].job_id == "job-7");
    CHECK(orphan.now().status == jobc::RunStatus::Failed);
    CHECK(orphan.now().reason.find("the job was stopped") != std::string::npos);
  }

  TEST_CASE("a job that could not be stopped is said to be maybe still running") {
    OrphanedRun orphan("slurm");
    orphan.failure = "slurmrestd does not answer";
    CHECK(jobc::reconcile_runs(*orphan.store, orphan.factory()));
    CHECK(orphan.now().status == jobc::RunStatus::Failed);
    CHECK(orphan.now().reason.find("may still be running: slurmrestd does not answer") !=
          std::string::npos);
  }

  TEST_CASE("a run that never had a monitor or a job has no job to stop") {
    OrphanedRun orphan("docker", 0, "");
    REQUIRE(jobc::cancel_run(*orphan.store, orphan.run.id, orphan.factory()).ok());
    CHECK(orphan.calls.empty());
    CHECK(orphan.now().status == jobc::RunStatus::Canceled);
  }

  TEST_CASE("a job jobc submit handed to Slurm itself is stopped even without a monitor") {
    SUBCASE("runs cancel") {
      OrphanedRun orphan("slurm", 0);
      REQUIRE(jobc::cancel_run(*orphan.store, orphan.run.id, orphan.factory()).ok());
      REQUIRE(orphan.calls.size() == 1);
      CHECK(orphan.calls[0].job_id == "job-7");
      CHECK(orphan.now().status == jobc::RunStatus::Canceled);
    }
    SUBCASE("the reconciliation of a stale run") {
      OrphanedRun orphan("slurm", 0);
      // Handed over an hour ago: past the time a monitor is given to take the run over.
      std::filesystem::last_write_time(
          jobc::monitor_config_file(orphan.run_dir),
          std::filesystem::file_time_type::clock::now() - std::chrono::hours(1));
      CHECK(jobc::reconcile_runs(*orphan.store, orphan.factory()));
      REQUIRE(orphan.calls.size() == 1);
      CHECK(orphan.now().status == jobc::RunStatus::Failed);
      CHECK(orphan.now().reason == "jobc stopped after it submitted the job; the job was stopped");
    }
  }

  TEST_CASE("a job that ended on its own while its monitor was gone is recorded as it ended") {
    for (int code : {0, 3}) {
      CAPTURE(code);
      OrphanedRun orphan("docker");
      orphan.kept_exit = jobc::JobExit{code, 0};
      CHECK(jobc::reconcile_runs(*orphan.store, orphan.factory()));
      CHECK(orphan.now().status ==
            (code == 0 ? jobc::RunStatus::Completed : jobc::RunStatus::Failed));
      CHECK(orphan.now().exit_code == code);
      CHECK(orphan.now().reason.find("is gone") != std::string::npos);
      // runs cancel of such a run says how it ended, not Canceled.
      OrphanedRun canceled("local");
      canceled.kept_exit = jobc::JobExit{code, 0};
      REQUIRE(jobc::cancel_run(*canceled.store, canceled.run.id, canceled.factory()).ok());
      CHECK(canceled.now().status == orphan.now().status);
      CHECK(canceled.now().exit_code == code);
    }
  }
}
