// Sweep jobs on the local backend, end to end: the jobc binary, real trial processes logging
// through the MLflow stand-in (tests/runs/tracking/mlflow_standin), the run store read back.
#include <doctest/doctest.h>

#include <signal.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "common/child_process.h"
#include "common/jobc_sandbox.h"

namespace fs = std::filesystem;
using jobc::testing::JobcSandbox;
using jobc::testing::process_running;
using jobc::testing::shell_quote;
using json = nlohmann::json;

namespace {

const std::string kStandIn = JOBC_SOURCE_DIR "/tests/runs/tracking/mlflow_standin";

// A trial script: logs `loss` = f(x, y) at each of `steps` steps, `pause` seconds apart.
const char* kTrain =
    "import sys, time, mlflow\n"
    "x, y, steps, pause = float(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])\n"
    "mlflow.start_run()\n"
    "for step in range(steps):\n"
    "    mlflow.log_metric('loss', x * (1 + 1.0 / (step + 1)) + len(y), step=step)\n"
    "    time.sleep(pause)\n"
    "print('trial', x, y, flush=True)\n"
    "import os; print('AZUREML_SWEEP_y=' + os.environ.get('AZUREML_SWEEP_y', ''))\n";

struct SweepBox : JobcSandbox {
  SweepBox() {
    fs::create_directories(dir.path / "src");
    std::ofstream(dir.path / "src/train.py") << kTrain;
  }
  // A sweep spec whose trial runs train.py with x, y, and `steps` and `pause` as written.
  fs::path sweep(const std::string& rest, int steps = 3, double pause = 0.0) const {
    std::string yaml =
        "$schema: https://azuremlschemas.azureedge.net/latest/sweepJob.schema.json\n"
        "type: sweep\n"
        "experiment_name: sweeps\n"
        "trial:\n"
        "  code: src\n"
        "  command: python3 train.py ${{search_space.x}} ${{search_space.y}} " +
        std::to_string(steps) + " " + std::to_string(pause) +
        "\n"
        "  environment: {image: python:3.11-slim}\n"
        "  environment_variables: {PYTHONPATH: " +
        kStandIn + "}\n" + rest;
    std::ofstream(dir.path / "sweep.yml") << yaml;
    return dir.path / "sweep.yml";
  }
  jobc::testing::CommandResult submit(const fs::path& spec) const {
    return jobc("submit --stream " + shell_quote(spec.string()));
  }
  // Submits with --detach; the sweep run's id.
  std::string start(const fs::path& spec) const {
    auto result = jobc("submit --detach " + shell_quote(spec.string()));
    REQUIRE_MESSAGE(result.status == 0, result.err);
    return result.out.substr(0, result.out.find('\n'));
  }
  json sweep_of(const std::string& id) const { return run(id)["sweep"]; }
  // Waits until run `id` has ended; its status.
  std::string wait_for_end(const std::string& id) const {
    std::string status;
    for (int i = 0; i < 1500; ++i) {
      status = run(id).value("status", "");
      if (status == "Completed" || status == "Failed" || status == "Canceled") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return status;
  }
  std::string only_sweep() const {
    json runs = json::parse(jobc("runs list --output json").out, nullptr, false);
    REQUIRE(runs.is_array());
    REQUIRE(runs.size() == 1);
    return runs[0]["id"];
  }
  json trials_of(const std::string& id) const {
    json all = json::parse(jobc("runs list --trials --output json").out, nullptr, false);
    json trials = json::array();
    for (const json& run : all) {
      if (run["parent"] == id) trials.push_back(run);
    }
    return trials;
  }
};

const char* kGrid =
    "search_space:\n"
    "  x: {type: choice, values: [3, 1, 2]}\n"
    "  y: {type: choice, values: [a, bb]}\n"
    "sampling_algorithm: grid\n"
    "objective: {goal: minimize, primary_metric: loss}\n"
    "limits: {max_total_trials: 10, max_concurrent_trials: 3}\n";

}  // namespace

TEST_SUITE("local") {
  TEST_CASE("a grid sweep runs every combination as a child run and names the best trial") {
    SweepBox box;
    auto result = box.submit(box.sweep(kGrid));
    REQUIRE_MESSAGE(result.status == 0, result.err);
    std::string id = box.only_sweep();
    json shown = box.run(id);
    CHECK(shown["status"] == "Completed");
    CHECK(shown["type"] == "sweep");
    json sweep = shown["sweep"];
    REQUIRE(sweep["trials"].size() == 6);
    std::set<std::string> combinations;
    for (const json& trial : sweep["trials"]) {
      combinations.insert(trial["parameters"].dump());
      CHECK(trial["status"] == "Completed");
    }
    CHECK(combinations.size() == 6);
    // loss at its best (the last step, 3 steps): x * (1 + 1/3) + len(y); x=1, y=a is best.
    json best = sweep["trials"][0];
    CHECK(best["parameters"] == json::parse(R"({"x": 1, "y": "a"})"));
    CHECK(best["metric"].get<double>() == doctest::Approx(1 * (1 + 1.0 / 3) + 1));
    CHECK(sweep["best_trial"] == best["run_id"]);
    double previous = -1;
    for (const json& trial : sweep["trials"]) {  // best first
      CHECK(trial["metric"].get<double>() >= previous);
      previous = trial["metric"].get<double>();
    }
    CHECK(result.out.find("best trial: ") != std::string::npos);
    CHECK(result.out.find("x=1 y=a") != std::string::npos);
    // Each trial is a run of its own: its parent, its parameters, its command's values.
    json trials = box.trials_of(id);
    REQUIRE(trials.size() == 6);
    for (const json& trial : trials) {
      json run = box.run(trial["id"]);
      CHECK(run["parent"] == id);
      std::string log = box.jobc("runs logs " + std::string(trial["id"])).out;
      std::string x = run["params"]["x"], y = run["params"]["y"];
      CHECK_MESSAGE(log.find("trial " + x + ".0 " + y) != std::string::npos, log);
      CHECK(log.find("AZUREML_SWEEP_y=" + y + "\n") != std::string::npos);
    }
    // Trials are not listed among the runs unless asked.
    CHECK(box.jobc("runs list").out.find(std::string(trials[0]["id"])) == std::string::npos);
    // A sweep is deleted with its trials.
    auto deleted = box.jobc("runs delete " + id);
    CHECK_MESSAGE(deleted.status == 0, deleted.err);
    CHECK(json::parse(box.jobc("runs list --trials --output json").out).empty());
    CHECK(fs::is_empty(box.home() / "runs"));
  }

  TEST_CASE("a random sweep with a seed samples the same trials again") {
    SweepBox box;
    std::string rest =
        "search_space:\n"
        "  x: {type: uniform, min_value: 0, max_value: 5}\n"
        "  y: {type: choice, values: [a, bb, ccc]}\n"
        "sampling_algorithm: {type: random, seed: 42}\n"
        "objective: {goal: maximize, primary_metric: loss}\n"
        "limits: {max_total_trials: 4, max_concurrent_trials: 4}\n";
    auto spec = box.sweep(rest, 1);
    std::vector<std::string> sampled[2];
    for (int round = 0; round < 2; ++round) {
      std::string id = box.start(spec);
      json sweep;
      box.wait_for_end(id);
      sweep = box.sweep_of(id);
      REQUIRE(sweep["trials"].size() == 4);
      CHECK(sweep["seed"] == 42);
      for (const json& trial : sweep["trials"])
        sampled[round].push_back(trial["parameters"].dump());
      std::sort(sampled[round].begin(), sampled[round].end());
    }
    CHECK(sampled[0] == sampled[1]);
    CHECK(std::set<std::string>(sampled[0].begin(), sampled[0].end()).size() == 4);
  }

  TEST_CASE("max_concurrent_trials bounds how many trials run at once") {
    SweepBox box;
    std::string rest =
        "search_space:\n"
        "  x: {type: choice, values: [1, 2, 3, 4, 5]}\n"
        "  y: {type: choice, values: [a]}\n"
        "sampling_algorithm: grid\n"
        "objective: {goal: minimize, primary_metric: loss}\n"
        "limits: {max_total_trials: 5, max_concurrent_trials: 2}\n";
    auto result = box.submit(box.sweep(rest, 2, 0.3));
    REQUIRE_MESSAGE(result.status == 0, result.err);
    REQUIRE(box.trials_of(box.only_sweep()).size() == 5);
    // At every trial's start, how many trials were running (started and not ended).
    std::vector<std::pair<int64_t, int64_t>> spans;
    // The record's own times: started and ended in milliseconds, from the store.
    auto rows =
        jobc::testing::run_sql((box.home() / "runs.db").string(),
                               "select started_ms, ended_ms from runs where parent_id != ''");
    REQUIRE(rows.status == 0);
    std::istringstream lines(rows.out);
    std::string line;
    while (std::getline(lines, line)) {
      auto bar = line.find('|');
      spans.push_back({std::stoll(line.substr(0, bar)), std::stoll(line.substr(bar + 1))});
    }
    REQUIRE(spans.size() == 5);
    int most = 0;
    for (const auto& [start, end] : spans) {
      int running = 0;
      for (const auto& [other_start, other_end] : spans) {
        if (other_start <= start && start < other_end) ++running;
      }
      most = std::max(most, running);
    }
    CHECK(most <= 2);
    CHECK(most >= 1);
  }

  TEST_CASE("a bandit policy stops a trial that falls behind the best, and the trial says why") {
    SweepBox box;
    std::string rest =
        "search_space:\n"
        "  x: {type: choice, values: [1, 50]}\n"
        "  y: {type: choice, values: [a]}\n"
        "sampling_algorithm: grid\n"
        "objective: {goal: minimize, primary_metric: loss}\n"
        "limits: {max_total_trials: 2, max_concurrent_trials: 2}\n"
        "early_termination: {type: bandit, slack_factor: 0.1, evaluation_interval: 1, "
        "delay_evaluation: 2}\n";
    auto result = box.submit(box.sweep(rest, 40, 0.25));
    REQUIRE_MESSAGE(result.status == 0, result.err);
    json sweep = box.sweep_of(box.only_sweep());
    REQUIRE(sweep["trials"].size() == 2);
    json good = sweep["trials"][0], bad = sweep["trials"][1];
    CHECK(good["parameters"]["x"] == 1);
    CHECK(good["early_terminated"].is_null());
    CHECK(bad["parameters"]["x"] == 50);
    REQUIRE(bad["early_terminated"].is_string());
    CHECK(bad["early_terminated"].get<std::string>().find("bandit") != std::string::npos);
    json stopped = box.run(bad["run_id"]);
    CHECK(stopped["status"] == "Canceled");
    CHECK(stopped["reason"].get<std::string>().find("early terminated") != std::string::npos);
    CHECK(box.run(box.only_sweep())["status"] == "Completed");
    CHECK(result.out.find("Stopped*") != std::string::npos);
  }

  TEST_CASE("canceling a sweep cancels every trial it is running") {
    SweepBox box;
    std::string rest =
        "search_space:\n"
        "  x: {type: choice, values: [1, 2, 3]}\n"
        "  y: {type: choice, values: [zzsweepcancel]}\n"
        "sampling_algorithm: grid\n"
        "objective: {goal: minimize, primary_metric: loss}\n"
        "limits: {max_total_trials: 3, max_concurrent_trials: 3}\n";
    auto spec = box.sweep(rest, 600, 0.1);
    std::string id = box.start(spec);
    for (int i = 0; i < 500; ++i) {
      json trials = box.trials_of(id);
      bool all_running = trials.size() == 3;
      for (const json& trial : trials) all_running &= trial["status"] == "Running";
      if (all_running) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(process_running("zzsweepcancel"));
    auto canceled = box.jobc("runs cancel " + id);
    CHECK_MESSAGE(canceled.status == 0, canceled.err);
    CHECK(box.wait_for_end(id) == "Canceled");
    json trials = box.trials_of(id);
    REQUIRE(trials.size() == 3);
    for (const json& trial : trials) CHECK(trial["status"] == "Canceled");
    CHECK_FALSE(process_running("zzsweepcancel"));
  }

  TEST_CASE("Ctrl-C while a sweep streams cancels the sweep and every trial") {
    SweepBox box;
    std::string rest =
        "search_space:\n"
        "  x: {type: choice, values: [1, 2]}\n"
        "  y: {type: choice, values: [zzsweepctrlc]}\n"
        "sampling_algorithm: grid\n"
        "objective: {goal: minimize, primary_metric: loss}\n"
        "limits: {max_total_trials: 2, max_concurrent_trials: 2}\n";
    jobc::testing::ChildProcess submit({"submit", "--stream", box.sweep(rest, 600, 0.1).string()},
                                       box.home());
    REQUIRE(submit.wait_for_output("Running", 30));
    submit.signal(SIGINT);
    CHECK(submit.wait(60) == 130);
    CHECK(submit.output().find("canceling the sweep") != std::string::npos);
    CHECK(box.run(box.only_sweep())["status"] == "Canceled");
    for (const json& trial : box.trials_of(box.only_sweep())) CHECK(trial["status"] == "Canceled");
    CHECK_FALSE(process_running("zzsweepctrlc"));
  }

  TEST_CASE("a sweep whose controller was killed still cancels its trials when canceled") {
    SweepBox box;
    std::string rest =
        "search_space:\n"
        "  x: {type: choice, values: [1, 2]}\n"
        "  y: {type: choice, values: [zzsweeporphan]}\n"
        "sampling_algorithm: grid\n"
        "objective: {goal: minimize, primary_metric: loss}\n"
        "limits: {max_total_trials: 2, max_concurrent_trials: 2}\n";
    std::string id = box.start(box.sweep(rest, 600, 0.1));
    for (int i = 0; i < 500 && box.trials_of(id).size() < 2; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    int controller = box.monitor_of(id);
    REQUIRE(controller > 0);
    kill(controller, SIGKILL);
    auto canceled = box.jobc("runs cancel " + id);
    CHECK_MESSAGE(canceled.status == 0, canceled.err);
    CHECK(box.wait_for_end(id) != "Running");
    json trials = box.trials_of(id);
    REQUIRE(trials.size() == 2);
    for (const json& trial : trials) CHECK(box.wait_for_end(trial["id"]) == "Canceled");
    CHECK_FALSE(process_running("zzsweeporphan"));
  }

  TEST_CASE("limits.timeout ends the sweep and cancels the trials still running") {
    SweepBox box;
    std::string rest =
        "search_space:\n"
        "  x: {type: choice, values: [1, 2]}\n"
        "  y: {type: choice, values: [zzsweeptimeout]}\n"
        "sampling_algorithm: grid\n"
        "objective: {goal: minimize, primary_metric: loss}\n"
        "limits: {max_total_trials: 2, max_concurrent_trials: 2, timeout: 2}\n";
    auto result = box.submit(box.sweep(rest, 600, 0.1));
    CHECK(result.status == 1);
    json sweep = box.run(box.only_sweep());
    CHECK(sweep["status"] == "Failed");
    CHECK_MESSAGE(
        sweep["reason"].get<std::string>().find("limits.timeout (2 s)") != std::string::npos,
        sweep["reason"]);
    for (const json& trial : box.trials_of(box.only_sweep())) CHECK(trial["status"] == "Canceled");
    CHECK_FALSE(process_running("zzsweeptimeout"));
  }

  TEST_CASE("limits.trial_timeout fails a trial that runs longer, and the others go on") {
    SweepBox box;
    std::string rest =
        "search_space:\n"
        "  x: {type: choice, values: [1, 2]}\n"
        "  y: {type: choice, values: [a]}\n"
        "sampling_algorithm: grid\n"
        "objective: {goal: minimize, primary_metric: loss}\n"
        "limits: {max_total_trials: 2, max_concurrent_trials: 1, trial_timeout: 1}\n";
    // Trial x=1 pauses 0.1 s twice and ends in time; x=2 pauses 2.1 s twice and does not.
    fs::path spec = box.sweep(rest, 2, 0.5);
    std::string yaml = jobc::testing::slurp(spec);
    std::string pause = " 2 " + std::to_string(0.5);
    yaml.replace(yaml.find(pause), pause.size(),
                 " 2 $(python3 -c 'print((${{search_space.x}}-1)*2+0.1)')");
    std::ofstream(spec) << yaml;
    auto result = box.submit(spec);
    CHECK_MESSAGE(result.status == 0, result.err);
    json sweep = box.sweep_of(box.only_sweep());
    REQUIRE(sweep["trials"].size() == 2);
    CHECK(sweep["trials"][0]["parameters"]["x"] == 1);
    CHECK(sweep["trials"][0]["status"] == "Completed");
    CHECK(sweep["trials"][1]["status"] == "Failed");
    json slow = box.run(sweep["trials"][1]["run_id"]);
    CHECK(slow["reason"].get<std::string>().find("timeout") != std::string::npos);
  }

  TEST_CASE("a trial whose monitor dies is ended from what its job left, and the sweep ends") {
    SweepBox box;
    std::string rest =
        "search_space:\n"
        "  x: {type: choice, values: [1, 2]}\n"
        "  y: {type: choice, values: [a]}\n"
        "sampling_algorithm: grid\n"
        "objective: {goal: minimize, primary_metric: loss}\n"
        "limits: {max_total_trials: 2, max_concurrent_trials: 2}\n";
    std::string id = box.start(box.sweep(rest, 8, 0.25));
    int monitor = 0;
    std::string victim;
    for (int i = 0; i < 500 && monitor == 0; ++i) {
      for (const json& trial : box.trials_of(id)) {
        if (trial["status"] != "Running") continue;
        victim = trial["id"];
        monitor = box.monitor_of(victim);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    REQUIRE(monitor > 0);
    kill(monitor, SIGKILL);
    // Read the store directly: a jobc command would reconcile the trial itself.
    std::string status;
    for (int i = 0; i < 300; ++i) {
      status = jobc::testing::run_sql((box.home() / "runs.db").string(),
                                      "select status from runs where id = '" + id + "'")
                   .out;
      if (status != "Running\n" && status != "Queued\n") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK(status == "Completed\n");
    std::string ended = box.run(victim)["status"];
    CHECK((ended == "Completed" || ended == "Failed"));
    CHECK(box.jobc("runs logs " + id).out.find("monitor is gone") != std::string::npos);
  }

  TEST_CASE("a sweep whose search space cannot be sampled is refused and records nothing") {
    SweepBox box;
    std::string rest =
        "search_space:\n"
        "  x: {type: uniform, min_value: 0, max_value: 1}\n"
        "  y: {type: choice, values: [a]}\n"
        "sampling_algorithm: grid\n"
        "objective: {goal: minimize, primary_metric: loss}\n"
        "limits: {max_total_trials: 3}\n";
    auto result = box.submit(box.sweep(rest));
    CHECK(result.status != 0);
    CHECK_MESSAGE(
        result.err.find("grid sampling takes only choice parameters") != std::string::npos,
        result.err);
    CHECK(json::parse(box.jobc("runs list --trials --output json").out).empty());
  }
}
