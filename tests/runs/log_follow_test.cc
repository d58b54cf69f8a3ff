// Following a run's log: a line appended after a quiet spell, and the run's end, are
// noticed at once (inotify), not after a polling back-off; a quiet log costs almost no
// wake-ups; and a run whose monitor died is noticed within seconds.
#include "runs/log_follow.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "common/monitor_child.h"
#include "common/recorded_run.h"
#include "common/temp_dir.h"
#include "runs/folder_watch.h"
#include "runs/run_end_watch.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

// An output stream that notes when each piece of text arrived (follow_log writes from its
// own thread while the test reads).
class TimedBuffer : public std::streambuf {
 public:
  // When `text` had fully arrived, once it has.
  std::optional<Clock::time_point> arrival(const std::string& text) {
    std::lock_guard lock(mutex_);
    size_t at = data_.find(text);
    if (at == std::string::npos) return std::nullopt;
    for (const auto& [when, size] : writes_) {
      if (size >= at + text.size()) return when;
    }
    return std::nullopt;
  }

 protected:
  std::streamsize xsputn(const char* text, std::streamsize size) override {
    std::lock_guard lock(mutex_);
    data_.append(text, static_cast<size_t>(size));
    writes_.emplace_back(Clock::now(), data_.size());
    return size;
  }
  int overflow(int c) override {
    char one = static_cast<char>(c);
    return c == EOF ? 0 : (xsputn(&one, 1), c);
  }

 private:
  std::mutex mutex_;
  std::string data_;
  std::vector<std::pair<Clock::time_point, size_t>> writes_;
};

void append(const fs::path& file, const std::string& text) {
  std::ofstream(file, std::ios::app) << text;
}

// A job that runs until it is stopped; it says so in the log when it starts, and leaves a
// file when the reconciliation stops it as an orphan.
class EndlessBackend : public jobc::Backend {
 public:
  std::string name() const override { return "fake"; }
  jobc::Status start(jobc::RunContext& context) override {
    append(context.log_file, "started\n");
    return {};
  }
  std::optional<jobc::JobExit> poll(jobc::RunContext&, int wait_ms) override {
    std::this_thread::sleep_for(milliseconds(std::min(wait_ms, 20)));
    return std::nullopt;
  }
  void stop(jobc::RunContext&, bool) override {}
  jobc::Status stop_orphaned(jobc::RunContext& context) override {
    jobc::testing::touch(context.run_dir / "orphan-stopped");
    return {};
  }
};

double median_ms(std::vector<Clock::duration> samples) {
  std::sort(samples.begin(), samples.end());
  return std::chrono::duration<double, std::milli>(samples[samples.size() / 2]).count();
}

}  // namespace

TEST_SUITE("runs") {
  TEST_CASE("a line written after a quiet spell is copied at once") {
    jobc::testing::TempDir dir;
    fs::path log = dir.path / "std_log.txt";
    append(log, "");
    TimedBuffer buffer;
    std::ostream out(&buffer);
    std::atomic<bool> done{false};
    std::thread follower([&] {
      jobc::follow_log(
          log, out, [&] { return done.load(); }, nullptr);
    });
    std::vector<Clock::duration> delays;
    for (int i = 0; i < 5; ++i) {
      std::this_thread::sleep_for(milliseconds(300));  // quiet: a polling follower backs off
      std::string line = "line " + std::to_string(i) + "\n";
      auto written = Clock::now();
      append(log, line);
      std::optional<Clock::time_point> seen;
      for (int wait = 0; wait < 2000 && !(seen = buffer.arrival(line)); ++wait) {
        std::this_thread::sleep_for(milliseconds(1));
      }
      REQUIRE(seen);
      delays.push_back(*seen - written);
    }
    done = true;
    follower.join();
    CHECK(median_ms(delays) < 10);  // a 50 ms polling back-off would take ~25 ms
  }

  TEST_CASE("the end of a run (its final status file) is noticed at once") {
    jobc::testing::TempDir dir;
    fs::path log = dir.path / "std_log.txt";
    fs::path done = dir.path / "final_status.json";
    std::vector<Clock::duration> delays;
    for (int i = 0; i < 5; ++i) {
      fs::remove(done);
      std::ostringstream out;
      std::optional<Clock::time_point> ended;
      std::thread follower([&] {
        jobc::follow_log(
            log, out, [&] { return fs::exists(done); }, nullptr);
        ended = Clock::now();
      });
      std::this_thread::sleep_for(milliseconds(300));
      auto written = Clock::now();
      append(done, "{}\n");
      follower.join();
      delays.push_back(*ended - written);
    }
    CHECK(median_ms(delays) < 10);
  }

  TEST_CASE("a quiet log costs a few wake-ups a second, not hundreds") {
    jobc::testing::TempDir dir;
    fs::path log = dir.path / "std_log.txt";
    append(log, "");
    std::ostringstream out;
    std::atomic<int> checks{0};
    auto stop_at = Clock::now() + milliseconds(1000);
    jobc::follow_log(
        log, out, [&] { return ++checks, Clock::now() >= stop_at; }, nullptr);
    CHECK(checks.load() < 30);
  }

  TEST_CASE("a folder watch wakes on a write in the folder, and sleeps without one") {
    jobc::testing::TempDir dir;
    jobc::FolderWatch watch(dir.path);
    REQUIRE(watch.active());
    CHECK_FALSE(watch.wait(milliseconds(50)));
    std::thread writer([&] {
      std::this_thread::sleep_for(milliseconds(100));
      append(dir.path / "file", "x");
    });
    auto start = Clock::now();
    CHECK(watch.wait(milliseconds(10000)));
    CHECK(Clock::now() - start < std::chrono::seconds(5));
    writer.join();
    watch.wait(milliseconds(10));               // the rest of the writer's events (write, close)
    CHECK_FALSE(watch.wait(milliseconds(10)));  // one wake-up drains all that queued up
    jobc::FolderWatch missing(dir.path / "no-such-folder");
    CHECK_FALSE(missing.active());
    CHECK_FALSE(missing.wait(milliseconds(1)));
  }

  TEST_CASE("a follower notices within seconds that the run's monitor was killed, and says so") {
    jobc::RunContext context;
    context.run.backend = "fake";
    context.run.created_ms = jobc::now_ms();
    jobc::testing::RecordedRun recorded(context);
    jobc::BackendFactory endless = [](const std::string&, const nlohmann::json&) {
      return std::make_unique<EndlessBackend>();
    };
    pid_t monitor = jobc::testing::start_monitor_child(recorded.run_dir, endless);
    fs::path log = recorded.run_dir / "std_log.txt";
    REQUIRE(jobc::testing::wait_for_file(log, 20));
    REQUIRE(recorded.now().monitor_pid == monitor);
    std::ostringstream out;
    jobc::RunEndWatch watch(*recorded.store, recorded.run.id, endless);
    std::thread killer([&] {
      std::this_thread::sleep_for(milliseconds(300));
      kill(monitor, SIGKILL);  // left a zombie until reaped: that is gone too
    });
    auto start = Clock::now();
    jobc::follow_log(
        log, out, [&] { return watch.ended(); }, nullptr);
    auto took = Clock::now() - start;
    killer.join();
    jobc::testing::reap(monitor, 5);
    CHECK(took < std::chrono::seconds(5));  // before: followed for ever
    CHECK(out.str().find("started") != std::string::npos);
    CHECK(watch.monitor_lost().find("is gone") != std::string::npos);
    CHECK(recorded.now().status == jobc::RunStatus::Failed);
    CHECK(fs::exists(recorded.run_dir / "orphan-stopped"));  // its job was stopped
  }
}
