// The sweep's table as `submit --stream` and `runs show` print it, from sweep.json records.
#include <doctest/doctest.h>

#include <sstream>

#include "common/temp_dir.h"
#include "runs/sweep/sweep_table.h"

using jobc::SweepRecord;
using jobc::TrialRecord;

namespace {

SweepRecord three_trials(const std::string& goal) {
  SweepRecord record;
  record.primary_metric = "loss";
  record.goal = goal;
  auto trial = [](int index, std::string status, std::optional<double> metric) {
    TrialRecord t;
    t.index = index;
    t.run_id = "run" + std::to_string(index);
    t.status = std::move(status);
    t.metric = metric;
    t.parameters = {{"lr", 0.1 * (index + 1)}, {"opt", "<b>sgd</b>"}};
    return t;
  };
  record.trials = {trial(0, "Completed", 0.5), trial(1, "Running", std::nullopt),
                   trial(2, "Completed", 0.25)};
  record.best_trial = goal == "maximize" ? "run0" : "run2";
  return record;
}

}  // namespace

TEST_SUITE("sweep") {
  TEST_CASE("the sweep table lists trials best first, then those without a metric") {
    auto rows = jobc::sweep_table(three_trials("minimize"));
    REQUIRE(rows.size() == 4);
    CHECK(rows[0].find("TRIAL") != std::string::npos);
    CHECK(rows[0].find("loss") != std::string::npos);
    CHECK(rows[1].find("run2") != std::string::npos);
    CHECK(rows[1].find("best") != std::string::npos);
    CHECK(rows[2].find("run0") != std::string::npos);
    CHECK(rows[3].find("run1") != std::string::npos);
    CHECK(rows[3].find("Running") != std::string::npos);
    auto maximizing = jobc::sweep_table(three_trials("maximize"));
    CHECK(maximizing[1].find("run0") != std::string::npos);
  }

  TEST_CASE("a trial stopped by the policy is marked, with the mark explained") {
    SweepRecord record = three_trials("minimize");
    record.trials[0].status = "Canceled";
    record.trials[0].early_terminated = "bandit policy at interval 3";
    auto rows = jobc::sweep_table(record);
    CHECK(rows[2].find("Stopped*") != std::string::npos);
    CHECK(rows.back().find("early termination") != std::string::npos);
  }

  TEST_CASE("a long sweep's table keeps the running trials and the best of the rest") {
    SweepRecord record = three_trials("minimize");
    for (int i = 3; i < 40; ++i) {
      TrialRecord t;
      t.index = i;
      t.run_id = "run" + std::to_string(i);
      t.status = "Completed";
      t.metric = 10.0 + i;
      record.trials.push_back(t);
    }
    auto rows = jobc::sweep_table(record, 5);
    // header, 5 best, the running one, "... more"
    REQUIRE(rows.size() == 8);
    CHECK(rows[6].find("run1") != std::string::npos);
    CHECK(rows[7].find("34 more") != std::string::npos);
  }

  TEST_CASE("following a sweep on a terminal redraws the table in place") {
    jobc::testing::TempDir dir;
    SweepRecord record = three_trials("minimize");
    REQUIRE(jobc::write_sweep_record(dir.path, record).ok());
    std::ostringstream out;
    int calls = 0;
    volatile std::sig_atomic_t interrupted = 0;
    jobc::follow_sweep(
        dir.path, out, 40,
        [&] {
          if (++calls == 2) {
            record.trials[1].status = "Completed";
            record.trials[1].metric = 0.1;
            record.best_trial = "run1";
            (void)jobc::write_sweep_record(dir.path, record);
          }
          return calls >= 3;
        },
        &interrupted);
    std::string text = out.str();
    CHECK(text.find("\x1b[4A\x1b[J") != std::string::npos);  // back over the 4 lines drawn
    CHECK(text.rfind("run1") > text.find("\x1b[4A"));
    // No row is wider than the terminal (a wrapped row would break the redraw).
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
      CHECK(line.size() <= 39 + 7);  // 7: the escape that moves back up
  }

  TEST_CASE("following a sweep elsewhere prints a line per trial that starts or ends") {
    jobc::testing::TempDir dir;
    SweepRecord record = three_trials("minimize");
    REQUIRE(jobc::write_sweep_record(dir.path, record).ok());
    std::ostringstream out;
    int calls = 0;
    volatile std::sig_atomic_t interrupted = 0;
    jobc::follow_sweep(
        dir.path, out, 0,
        [&] {
          if (++calls == 2) {
            record.trials[1].status = "Completed";
            record.trials[1].metric = 0.75;
            (void)jobc::write_sweep_record(dir.path, record);
          }
          return calls >= 3;
        },
        &interrupted);
    std::string text = out.str();
    CHECK(text.find("\x1b[") == std::string::npos);
    CHECK(text.find("trial     1  Running") != std::string::npos);
    CHECK(text.find("trial     1  Completed") != std::string::npos);
    // A trial whose status did not change is printed once.
    CHECK(text.find("run0") == text.rfind("run0"));
    // Parameters are shown as written, text not interpreted.
    CHECK(text.find("opt=<b>sgd</b>") != std::string::npos);
  }
}
