// A Slurm job array whose tasks are jobc runs: the one payload made from the runs' own, its
// dispatcher script (run for real with bash), and reading a task out of slurmrestd's records.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "backends/slurm/slurm_array.h"
#include "common/run_command.h"
#include "common/temp_dir.h"

namespace fs = std::filesystem;
using json = nlohmann::json;
using jobc::slurm::ArrayTaskLookup;
using jobc::slurm::job_array_payload;

namespace {

const char* kScript = "#!/bin/bash\nset -euo pipefail\ncd \"$JOBC_CODE_DIR\"\necho ran\n";

// Run `i`'s payload as the backend submits it alone: its stage in the paths and environment,
// its own tracking token.
json task_payload(size_t i, const std::string& stage_root = "/shared/stage") {
  std::string id = "trial_" + std::to_string(i);
  std::string stage = stage_root + "/" + id;
  return {{"job",
           {{"name", "train"},
            {"comment", "jobc run " + id},
            {"nodes", 1},
            {"tasks", 1},
            {"time_limit", 5},
            {"partition", "debug"},
            {"requeue", false},
            {"current_working_directory", stage + "/work"},
            {"standard_output", stage + "/std_log.txt"},
            {"standard_error", stage + "/std_log.txt"},
            {"environment",
             {{"PATH", "/usr/bin:/bin"},
              {"LANG", "C.UTF-8"},
              {"JOBC_RUN_ID", id},
              {"JOBC_STAGE_DIR", stage},
              {"JOBC_CODE_DIR", stage + "/work"},
              {"MLFLOW_TRACKING_TOKEN", "tok-" + std::to_string(i) + "-end"}}}}},
          {"script", kScript}};
}

std::vector<json> task_payloads(size_t count, const std::string& stage_root = "/shared/stage") {
  std::vector<json> tasks;
  for (size_t i = 0; i < count; ++i) tasks.push_back(task_payload(i, stage_root));
  return tasks;
}

jobc::slurm::JobArrayShape shape(long long max_running = 0, std::string parent = "sweep_1") {
  return {max_running, std::move(parent), "/shared/stage"};
}

json array_of(const std::vector<json>& tasks, const jobc::slurm::JobArrayShape& how = shape()) {
  auto payload = job_array_payload(tasks, how);
  REQUIRE_MESSAGE(payload, payload.error().message);
  return *payload;
}

std::string refusal(const std::vector<json>& tasks) {
  auto payload = job_array_payload(tasks, shape());
  REQUIRE_FALSE(payload);
  return payload.error().message;
}

}  // namespace

TEST_SUITE("slurm_array") {
  TEST_CASE("the array counts its tasks from 0 and limits the running ones only when it must") {
    using jobc::slurm::job_array_spec;
    CHECK(job_array_spec(3, 0) == "0-2");
    CHECK(job_array_spec(3, 2) == "0-2%2");
    CHECK(job_array_spec(3, 3) == "0-2");
    CHECK(job_array_spec(3, 7) == "0-2");
    CHECK(job_array_spec(1, 0) == "0-0");
    CHECK(array_of(task_payloads(4), shape(2))["job"]["array"] == "0-3%2");
    CHECK(array_of(task_payloads(4), shape(0))["job"]["array"] == "0-3");
  }

  TEST_CASE(
      "shared variables stay as they are; each run's own go under its task's prefix, once when "
      "they differ only by the run id") {
    json environment = array_of(task_payloads(3))["job"]["environment"];
    CHECK(environment["PATH"] == "/usr/bin:/bin");
    CHECK(environment["LANG"] == "C.UTF-8");
    CHECK_FALSE(environment.contains("JOBC_RUN_ID"));
    CHECK_FALSE(environment.contains("MLFLOW_TRACKING_TOKEN"));
    CHECK(environment["JOBC_TASK0_JOBC_RUN_ID"] == "trial_0");
    // The stage differs only by the run id: once, with the placeholder in its place.
    CHECK(environment["JOBC_STAGE_DIR"] == "/shared/stage/@JOBC_RUN_ID@");
    CHECK(environment["JOBC_CODE_DIR"] == "/shared/stage/@JOBC_RUN_ID@/work");
    CHECK_FALSE(environment.contains("JOBC_TASK2_JOBC_STAGE_DIR"));
    // Each token once, under its own task's prefix only.
    for (size_t i = 0; i < 3; ++i) {
      std::string token = "tok-" + std::to_string(i) + "-end";
      int seen = 0;
      for (const auto& [name, value] : environment.items()) {
        if (value != token) continue;
        ++seen;
        CHECK(name == "JOBC_TASK" + std::to_string(i) + "_MLFLOW_TRACKING_TOKEN");
      }
      CHECK(seen == 1);
    }
    CHECK(environment.size() == 4 + 3 * 2);

    // A variable only some runs have goes to those runs only.
    std::vector<json> tasks = task_payloads(3);
    tasks[1]["job"]["environment"]["JOBC_INPUT_data"] = "/shared/stage/trial_1/inputs/data";
    environment = array_of(tasks)["job"]["environment"];
    CHECK(environment["JOBC_TASK1_JOBC_INPUT_data"] == "/shared/stage/trial_1/inputs/data");
    CHECK_FALSE(environment.contains("JOBC_TASK0_JOBC_INPUT_data"));
    CHECK_FALSE(environment.contains("JOBC_INPUT_data"));
  }

  TEST_CASE("runs that differ in more than paths and environment cannot share an array") {
    std::vector<json> tasks = task_payloads(3);
    tasks[2]["job"]["time_limit"] = 10;
    CHECK(refusal(tasks) == "the runs differ in time_limit: they cannot go as one job array");
    tasks = task_payloads(3);
    tasks[1]["job"].erase("partition");
    CHECK(refusal(tasks) == "the runs differ in partition: they cannot go as one job array");
    tasks = task_payloads(2);
    tasks[1]["job"]["nodes"] = 2;
    CHECK(refusal(tasks).find("differ in nodes") != std::string::npos);
    tasks = task_payloads(2);
    tasks[1]["script"] = std::string(kScript) + "echo more\n";
    CHECK(refusal(tasks) == "the runs differ in script: they cannot go as one job array");
    CHECK(refusal({}) == "a job array needs at least one run");
    CHECK(refusal({task_payload(0), json{{"job", json::object()}}}).find("run 1") !=
          std::string::npos);
  }

  TEST_CASE("the array's paths, name and comment are the whole array's") {
    json job = array_of(task_payloads(3))["job"];
    CHECK(job["current_working_directory"] == "/shared/stage");
    CHECK(job["standard_output"] == "/dev/null");
    CHECK(job["standard_error"] == "/dev/null");
    CHECK(job["name"] == "sweep_1");
    CHECK(job["comment"] == "jobc runs of sweep_1: job array of 3");
    CHECK(job["time_limit"] == 5);
    CHECK(job["partition"] == "debug");
    CHECK(job["requeue"] == false);
    json unnamed = array_of(task_payloads(2), shape(0, ""))["job"];
    CHECK(unnamed["name"] == "train");
    CHECK(unnamed["comment"] == "jobc runs of train: job array of 2");
  }

  TEST_CASE("the same runs give the same array payload") {
    std::vector<json> reordered = task_payloads(3);
    json environment = json::object();
    for (auto item = reordered[1]["job"]["environment"].rbegin();
         item != reordered[1]["job"]["environment"].rend(); ++item) {
      environment[item.key()] = item.value();
    }
    reordered[1]["job"]["environment"] = environment;
    CHECK(array_of(task_payloads(3), shape(2)).dump() == array_of(reordered, shape(2)).dump());
  }

  TEST_CASE("the array's script is the dispatcher, then the runs' script without its shebang") {
    std::string script = array_of(task_payloads(2))["script"];
    std::string dispatcher = jobc::slurm::job_array_dispatcher();
    CHECK(script == dispatcher + "set -euo pipefail\ncd \"$JOBC_CODE_DIR\"\necho ran\n");
    CHECK(dispatcher.rfind("#!/bin/bash\n# Generated by jobc: the dispatcher of a Slurm job array",
                           0) == 0);
    CHECK(script.find("#!") == script.rfind("#!"));  // one shebang, the first line
    CHECK(dispatcher.find("jobc_prefix=\"JOBC_TASK${SLURM_ARRAY_TASK_ID:-none}_\"") !=
          std::string::npos);
    CHECK(dispatcher.find("^JOBC_TASK[0-9]+_") != std::string::npos);
    CHECK(dispatcher.find("jobc: no run for task") != std::string::npos);
    CHECK(dispatcher.find("until [[ -e $JOBC_STAGE_DIR/.jobc-ready ]]") != std::string::npos);
    CHECK(dispatcher.ends_with("exec >>\"$JOBC_STAGE_DIR/std_log.txt\" 2>&1\n"));
  }

  TEST_CASE(
      "run by bash, a task gets its own variables, none of another's, its output in its log") {
    jobc::testing::TempDir dir;
    std::string root = (dir.path / "stage").string();
    std::vector<json> tasks;
    for (size_t i = 0; i < 12; ++i) {
      tasks.push_back(task_payload(i, root));
      tasks[i]["script"] = "#!/bin/bash\necho \"run $JOBC_RUN_ID\"\necho oops >&2\nenv\n";
      fs::create_directories(root + "/trial_" + std::to_string(i));
      // Prepared: the ready file, with the run's MLflow endpoint (task 3's has none).
      std::ofstream(root + "/trial_" + std::to_string(i) + "/.jobc-ready")
          << (i == 3 ? "\n" : "http://10.0.0.1:" + std::to_string(5000 + i) + "\n");
    }
    json array = array_of(tasks);
    std::ofstream(dir.path / "script.sh") << array["script"].get<std::string>();
    // Slurm's way: the payload's environment and the task's id, nothing else.
    auto run_task = [&](const std::string& task) {
      std::string command = "cd " + jobc::testing::shell_quote(dir.path.string()) + " && env -i";
      for (const auto& [name, value] : array["job"]["environment"].items()) {
        command += " " + jobc::testing::shell_quote(name + "=" + value.get<std::string>());
      }
      command += " SLURM_ARRAY_JOB_ID=90 SLURM_ARRAY_TASK_ID=" + task + " /bin/bash script.sh";
      return jobc::testing::run_command(command);
    };
    jobc::testing::CommandResult result = run_task("1");
    CHECK(result.status == 0);
    CHECK(result.out.empty());  // all of it in the run's log
    std::string log = jobc::testing::slurp(root + "/trial_1/std_log.txt");
    CHECK(log.find("run trial_1\n") == 0);
    CHECK(log.find("oops\n") != std::string::npos);
    CHECK(log.find("\nMLFLOW_TRACKING_TOKEN=tok-1-end\n") != std::string::npos);
    CHECK(log.find("\nJOBC_STAGE_DIR=" + root + "/trial_1\n") != std::string::npos);
    CHECK(log.find("\nJOBC_CODE_DIR=" + root + "/trial_1/work\n") != std::string::npos);
    CHECK(log.find("\nMLFLOW_TRACKING_URI=http://10.0.0.1:5001\n") != std::string::npos);
    CHECK(log.find("@JOBC_RUN_ID@") == std::string::npos);
    CHECK(log.find("\nPATH=/usr/bin:/bin\n") != std::string::npos);
    CHECK(log.find("JOBC_TASK") == std::string::npos);
    CHECK(log.find("tok-10-end") == std::string::npos);  // task 10's, under JOBC_TASK10_
    CHECK(log.find("tok-0-end") == std::string::npos);
    CHECK(log.find("trial_10") == std::string::npos);
    CHECK_FALSE(fs::exists(root + "/trial_0/std_log.txt"));

    CHECK(run_task("10").status == 0);
    CHECK(jobc::testing::slurp(root + "/trial_10/std_log.txt").find("tok-10-end") !=
          std::string::npos);

    // A run without an MLflow endpoint: none of MLflow's variables.
    CHECK(run_task("3").status == 0);
    std::string no_endpoint = jobc::testing::slurp(root + "/trial_3/std_log.txt");
    CHECK(no_endpoint.find("run trial_3\n") == 0);
    CHECK(no_endpoint.find("MLFLOW_") == std::string::npos);

    result = run_task("12");  // no run for this task
    CHECK(result.status == 1);
    CHECK(result.err == "jobc: no run for task 12 of Slurm job array 90\n");
  }

  TEST_CASE("run by bash, a task waits until its run is ready, and not forever") {
    jobc::testing::TempDir dir;
    std::string root = (dir.path / "stage").string();
    std::vector<json> tasks = {task_payload(0, root), task_payload(1, root)};
    for (json& task : tasks) task["script"] = "#!/bin/bash\necho \"uri $MLFLOW_TRACKING_URI\"\n";
    json array = array_of(tasks);
    std::ofstream(dir.path / "script.sh") << array["script"].get<std::string>();
    auto task_command = [&](const std::string& task, const std::string& extra) {
      std::string command = "env -i";
      for (const auto& [name, value] : array["job"]["environment"].items()) {
        command += " " + jobc::testing::shell_quote(name + "=" + value.get<std::string>());
      }
      return command + extra + " SLURM_ARRAY_JOB_ID=90 SLURM_ARRAY_TASK_ID=" + task +
             " /bin/bash " + jobc::testing::shell_quote((dir.path / "script.sh").string());
    };
    // Its stage appears (jobc prepares the run) half a second after the task began.
    std::string stage = root + "/trial_0";
    std::string prepare = "(sleep 0.5; mkdir -p " + jobc::testing::shell_quote(stage) +
                          " && echo http://10.0.0.1:5000 >" +
                          jobc::testing::shell_quote(stage + "/.jobc-ready") + ") & ";
    jobc::testing::CommandResult result =
        jobc::testing::run_command(prepare + task_command("0", "") + "; wait");
    CHECK(result.status == 0);
    CHECK(jobc::testing::slurp(stage + "/std_log.txt") == "uri http://10.0.0.1:5000\n");

    // A run that is never prepared (jobc died before): the task gives up, saying why.
    result = jobc::testing::run_command(task_command("1", " JOBC_READY_WAIT_TENTHS=3"));
    CHECK(result.status == 1);
    CHECK(result.err == "jobc: run trial_1 (task 1 of Slurm job array 90) was never prepared\n");
  }

  TEST_CASE("array_task_string names the pending tasks: ranges, steps, lists and the limit") {
    using jobc::slurm::array_task_string_names;
    using jobc::slurm::parse_array_task_string;
    auto ranges = parse_array_task_string("2-5%2");
    REQUIRE(ranges);
    REQUIRE(ranges->size() == 1);
    CHECK((*ranges)[0].first == 2);
    CHECK((*ranges)[0].last == 5);
    CHECK((*ranges)[0].step == 1);
    struct Case {
      const char* text;
      long long task;
      bool named;
    };
    for (Case c : {Case{"2-5%2", 2, true},
                   {"2-5%2", 5, true},
                   {"2-5%2", 1, false},
                   {"2-5%2", 6, false},
                   {"5", 5, true},
                   {"5", 4, false},
                   {"1,3-4", 1, true},
                   {"1,3-4", 2, false},
                   {"1,3-4", 4, true},
                   {"0-9:2", 8, true},
                   {"0-9:2", 7, false},
                   {"1-9:4", 5, true},
                   {"1-9:4", 4, false}}) {
      CHECK_MESSAGE(array_task_string_names(c.text, c.task) == c.named, c.text, " ", c.task);
    }
    REQUIRE(parse_array_task_string(""));
    CHECK(parse_array_task_string("")->empty());
    CHECK_FALSE(array_task_string_names("", 0));
    for (const char* bad : {"x", "1-", "-3", "5-2", "1,,2", "0-9:0", "1%", "1%x", "1 ,2"}) {
      CHECK_MESSAGE(!parse_array_task_string(bad), bad);
      CHECK_FALSE(array_task_string_names(bad, 1));
    }
  }

  TEST_CASE("a task is read from the array's records: split out, pending in the meta, or absent") {
    using Found = ArrayTaskLookup::Found;
    json meta = {{"job_id", 471},
                 {"array_job_id", 471},
                 {"array_task_id", nullptr},
                 {"array_task_string", "2-5%2"},
                 {"job_state", "PENDING"},
                 {"state_reason", "JobArrayTaskLimit"}};
    json running = {{"job_id", 472},
                    {"array_job_id", 471},
                    {"array_task_id", 0},
                    {"array_task_string", ""},
                    {"job_state", "RUNNING"}};
    json records = json::array({meta, running});
    ArrayTaskLookup task = jobc::slurm::find_array_task(records, 471, 0);
    CHECK(task.found == Found::Record);
    CHECK(task.record["job_id"] == 472);
    task = jobc::slurm::find_array_task(records, 471, 3);
    CHECK(task.found == Found::Pending);
    CHECK(task.record["state_reason"] == "JobArrayTaskLimit");
    CHECK(jobc::slurm::find_array_task(records, 471, 1).found == Found::Absent);
    CHECK(jobc::slurm::find_array_task(records, 999, 0).found == Found::Absent);
    // The last task left: the meta record is its own.
    json last = meta;
    last["array_task_id"] = 5;
    last["array_task_string"] = "";
    task = jobc::slurm::find_array_task(json::array({last}), 471, 5);
    CHECK(task.found == Found::Record);
    CHECK(task.record["job_id"] == 471);
    CHECK(jobc::slurm::find_array_task(json::array({last}), 471, 4).found == Found::Absent);
  }
}
