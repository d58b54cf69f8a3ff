// The run monitor records what the backend says the job is doing: Queued (with why) while
// it waits for resources, then Running from when it starts. The monitor runs in a child
// process with a backend whose queue the test controls.
#include "runs/monitor.h"

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "common/monitor_child.h"
#include "common/recorded_run.h"

namespace fs = std::filesystem;
using jobc::testing::touch;

namespace {

// Queued until the test writes "run", then Running; it ends when the test writes "end"
// (having started at 12345 s, as far as it knows, when it was never seen Running).
class QueueBackend : public jobc::Backend {
 public:
  explicit QueueBackend(fs::path dir) : dir_(std::move(dir)) {}
  std::string name() const override { return "fake"; }
  jobc::Status start(jobc::RunContext&) override {
    phase_.reason = "waiting in the queue (Priority)";
    return {};
  }
  std::optional<jobc::JobExit> poll(jobc::RunContext&, int wait_ms) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(wait_ms, 20)));
    if (fs::exists(dir_ / "run")) phase_ = {};
    if (fs::exists(dir_ / "end")) {
      if (phase_.status == jobc::RunStatus::Queued)
        phase_ = {jobc::RunStatus::Running, "", 12345000};
      return jobc::JobExit{0, 0};
    }
    return std::nullopt;
  }
  void stop(jobc::RunContext&, bool) override {}
  jobc::JobPhase phase() const override { return phase_; }

 private:
  fs::path dir_;
  jobc::JobPhase phase_{jobc::RunStatus::Queued, "submitting"};
};

jobc::BackendFactory queue_backend(const fs::path& dir) {
  return [dir](const std::string&, const nlohmann::json&) {
    return std::make_unique<QueueBackend>(dir);
  };
}

jobc::RunContext fake_context() {
  jobc::RunContext context;
  context.run.backend = "fake";
  context.run.created_ms = jobc::now_ms();
  return context;
}

// Waits until the recorded run satisfies `predicate` (true) or `seconds` pass (false).
template <typename Predicate>
bool wait_for_record(const jobc::testing::RecordedRun& recorded, Predicate predicate,
                     double seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!predicate(recorded.now())) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace

TEST_SUITE("runs") {
  TEST_CASE("the monitor's backends come from the registry: those this jobc can run") {
    for (std::string name : {"local", "docker", "slurm", "azureml"}) {
      CAPTURE(name);
      auto backend = jobc::registry_backend(name, nlohmann::json::object());
      REQUIRE(backend);
      CHECK(backend->name() == name);
    }
    CHECK_FALSE(jobc::registry_backend("nosuch", nlohmann::json::object()));
  }

  TEST_CASE("a queued job is recorded Queued with why, and Running once it starts") {
    jobc::testing::RecordedRun recorded(fake_context());
    fs::path dir = recorded.run_dir;
    pid_t monitor =
        jobc::testing::start_monitor_child(dir, [dir](const std::string&, const nlohmann::json&) {
          return std::make_unique<QueueBackend>(dir);
        });
    CHECK(wait_for_record(
        recorded,
        [](const jobc::RunRecord& run) {
          return run.status == jobc::RunStatus::Queued &&
                 run.reason == "waiting in the queue (Priority)";
        },
        20));
    CHECK(recorded.now().started_ms == 0);  // not started while it waits
    CHECK(recorded.now().monitor_pid == monitor);
    touch(dir / "run");
    CHECK(wait_for_record(
        recorded, [](const jobc::RunRecord& run) { return run.status == jobc::RunStatus::Running; },
        20));
    CHECK(recorded.now().reason.empty());
    CHECK(recorded.now().started_ms > 0);
    touch(dir / "end");
    REQUIRE(jobc::testing::reap(monitor, 30));
    CHECK(recorded.now().status == jobc::RunStatus::Completed);
  }

  TEST_CASE("a job that ended while seen queued gets the start time its backend knows") {
    jobc::testing::RecordedRun recorded(fake_context());
    fs::path dir = recorded.run_dir;
    pid_t monitor = jobc::testing::start_monitor_child(dir, queue_backend(dir));
    CHECK(wait_for_record(
        recorded, [](const jobc::RunRecord& run) { return run.status == jobc::RunStatus::Queued; },
        20));
    touch(dir / "end");
    REQUIRE(jobc::testing::reap(monitor, 30));
    CHECK(recorded.now().status == jobc::RunStatus::Completed);
    CHECK(recorded.now().started_ms == 12345000);
  }
}
