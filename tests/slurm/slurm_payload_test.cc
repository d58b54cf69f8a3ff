// slurm/job.json: the slurmrestd v0.0.38 job-submit payload `jobc compile` writes for a job on
// a Slurm compute spec (nodes, tasks, time limit, staging paths, environment, batch script).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "backends/slurm/slurm_job.h"
#include "common/temp_dir.h"
#include "jobc/compile.h"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

const char* kCompute =
    "name: hpc\ntype: slurm\nendpoint: http://127.0.0.1:6820\npartition: debug\n"
    "account: physics\nuser: alice\nstaging_dir: /shared/stage/\ntoken_env: MY_JWT\n";

struct Compiled {
  jobc::DiagnosticSink sink;
  jobc::CompileResult result;
  std::optional<jobc::LoadedSpec> spec;
};

Compiled compile_job(const fs::path& dir, const std::string& job,
                     const std::string& compute = kCompute) {
  { std::ofstream(dir / "hpc.yml") << compute; }
  { std::ofstream(dir / "job.yml") << job << "environment: {image: python:3.11-slim}\n"; }
  Compiled compiled;
  jobc::SourceManager sources;
  compiled.spec = jobc::load_and_validate((dir / "job.yml").string(), {}, sources, compiled.sink);
  REQUIRE(compiled.spec);
  REQUIRE_MESSAGE(!compiled.sink.has_errors(), compiled.sink.diagnostics().front().message);
  compiled.result = jobc::compile_spec(*compiled.spec, {}, compiled.sink);
  return compiled;
}

json payload_of(const Compiled& compiled) {
  const auto* file = compiled.result.outputs.find("slurm/job.json");
  REQUIRE(file);
  return json::parse(file->content);
}

}  // namespace

TEST_SUITE("slurm_payload") {
  TEST_CASE("tensorflow: worker_count is the total, shared out over the nodes as in Azure ML") {
    jobc::testing::TempDir dir;
    auto compiled = compile_job(dir.path,
                                "command: python3 train.py\ncompute: hpc.yml\n"
                                "distribution: {type: tensorflow, worker_count: 4}\n"
                                "resources: {instance_count: 2}\n");
    json job = payload_of(compiled)["job"];
    CHECK(job["nodes"] == 2);
    CHECK(job["tasks_per_node"] == 2);
    const auto* launch = compiled.result.outputs.find("launch.sh");
    REQUIRE(launch);
    CHECK(launch->content.find("for index in $(seq 0 $((2 - 1)))") != std::string::npos);
    // Without worker_count: one worker per node (Azure ML's default is instance_count).
    auto defaulted = compile_job(dir.path,
                                 "command: python3 train.py\ncompute: hpc.yml\n"
                                 "distribution: {type: tensorflow}\n"
                                 "resources: {instance_count: 2}\n");
    CHECK(payload_of(defaulted)["job"]["tasks_per_node"] == 1);
  }

  TEST_CASE("an MPI job: nodes, tasks per node, time limit, partition and account") {
    jobc::testing::TempDir dir;
    auto compiled = compile_job(dir.path,
                                "name: hello\ncommand: python3 ranks.py\ncompute: hpc.yml\n"
                                "distribution: {type: mpi, process_count_per_instance: 2}\n"
                                "resources: {instance_count: 2}\nlimits: {timeout: 600}\n");
    json payload = payload_of(compiled);
    const json& job = payload["job"];
    CHECK(job["name"] == "hello");
    CHECK(job["nodes"] == 2);
    CHECK(job["tasks_per_node"] == 2);
    CHECK(job["tasks"] == 4);
    CHECK(job["time_limit"] == 10);
    CHECK(job["partition"] == "debug");
    CHECK(job["account"] == "physics");
    CHECK(job["requeue"] == false);
    CHECK(job["current_working_directory"] == "/shared/stage/@JOBC_RUN_ID@/work");
    CHECK(job["standard_output"] == "/shared/stage/@JOBC_RUN_ID@/std_log.txt");
    CHECK(job["standard_error"] == "/shared/stage/@JOBC_RUN_ID@/std_log.txt");
    CHECK(job["environment"]["JOBC_CODE_DIR"] == "/shared/stage/@JOBC_RUN_ID@/work");
    CHECK(job["environment"]["JOBC_STAGE_DIR"] == "/shared/stage/@JOBC_RUN_ID@");
    CHECK(job["environment"]["PATH"].get<std::string>().find("/usr/bin") != std::string::npos);
    CHECK(!job["environment"].contains("OMPI_ALLOW_RUN_AS_ROOT"));  // user alice
    std::string script = payload["script"];
    CHECK(script.rfind("#!/bin/bash\n", 0) == 0);
    CHECK(script.find("exec bash \"$JOBC_STAGE_DIR/artifacts/launch.sh\"") != std::string::npos);
    CHECK(script.find("srun") == std::string::npos);  // mpirun finds the nodes itself
    // The payload names no secret: not the token, not even where it comes from.
    CHECK(payload.dump().find("MY_JWT") == std::string::npos);
    CHECK(payload.dump().find("TOKEN") == std::string::npos);
  }

  TEST_CASE("a plain job is one task on one node; no timeout, no time limit") {
    jobc::testing::TempDir dir;
    json job = payload_of(compile_job(dir.path, "command: echo hi\ncompute: hpc.yml\n"))["job"];
    CHECK(job["nodes"] == 1);
    CHECK(job["tasks_per_node"] == 1);
    CHECK(job["tasks"] == 1);
    CHECK(!job.contains("time_limit"));
  }

  TEST_CASE("the time limit is limits.timeout in minutes, rounded up") {
    CHECK(jobc::slurm_time_limit_minutes(0) == 0);
    CHECK(jobc::slurm_time_limit_minutes(1) == 1);
    CHECK(jobc::slurm_time_limit_minutes(60) == 1);
    CHECK(jobc::slurm_time_limit_minutes(61) == 2);
    CHECK(jobc::slurm_time_limit_minutes(3600) == 60);
  }

  TEST_CASE("pytorch over two nodes: one launcher per node through srun, master the first node") {
    jobc::testing::TempDir dir;
    json payload =
        payload_of(compile_job(dir.path,
                               "command: python3 train.py\ncompute: hpc.yml\n"
                               "distribution: {type: pytorch, process_count_per_instance: 2}\n"
                               "resources: {instance_count: 2}\n"));
    CHECK(payload["job"]["tasks"] == 4);
    std::string script = payload["script"];
    CHECK(script.find("export JOBC_MASTER_ADDR=\"$(hostname)\"") != std::string::npos);
    CHECK(script.find("srun --nodes=\"$SLURM_JOB_NUM_NODES\"") != std::string::npos);
    CHECK(script.find("--ntasks-per-node=1") != std::string::npos);
    CHECK(script.find("--cpus-per-task=2") != std::string::npos);
  }

  TEST_CASE(
      "local and downloaded inputs are staged; their variables point into the staging folder") {
    jobc::testing::TempDir dir;
    fs::create_directories(dir.path / "data");
    auto compiled =
        compile_job(dir.path,
                    "command: ls ${{inputs.training}}\ncompute: hpc.yml\n"
                    "inputs:\n  training: {type: uri_folder, path: data/}\n"
                    "  remote: {type: uri_file, path: 'https://example.com/x.csv?sig=s'}\n"
                    "  asset: {type: uri_file, path: 'azureml:rows:1'}\n");
    json environment = payload_of(compiled)["job"]["environment"];
    CHECK(environment["JOBC_INPUT_training"] == "/shared/stage/@JOBC_RUN_ID@/inputs/training/data");
    CHECK(environment["JOBC_INPUT_remote"] == "/shared/stage/@JOBC_RUN_ID@/inputs/remote/x.csv");
    CHECK(!environment.contains("JOBC_INPUT_asset"));  // refused by submit
  }

  TEST_CASE("root gets Open MPI's permission to run as root") {
    jobc::testing::TempDir dir;
    std::string compute = kCompute;
    compute.replace(compute.find("user: alice"), 11, "user: root");
    json environment = payload_of(
        compile_job(dir.path, "command: echo\ncompute: hpc.yml\n", compute))["job"]["environment"];
    CHECK(environment["OMPI_ALLOW_RUN_AS_ROOT"] == "1");
    CHECK(environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] == "1");
  }

  TEST_CASE("deterministic, and the run id replaces the placeholder everywhere at submit") {
    jobc::testing::TempDir dir;
    std::string job = "command: echo hi\ncompute: hpc.yml\n";
    std::string first = compile_job(dir.path, job).result.outputs.find("slurm/job.json")->content;
    std::string second = compile_job(dir.path, job).result.outputs.find("slurm/job.json")->content;
    CHECK(first == second);
    json run = jobc::slurm_payload_for_run(json::parse(first), "exp_1_abc");
    CHECK(run.dump().find("@JOBC_RUN_ID@") == std::string::npos);
    CHECK(run["job"]["current_working_directory"] == "/shared/stage/exp_1_abc/work");
    CHECK(run["job"]["environment"]["JOBC_RUN_ID"] == "exp_1_abc");
    CHECK(run["job"]["comment"] == "jobc run exp_1_abc");
  }

  TEST_CASE("no slurm/job.json for a job that does not run on a Slurm compute spec") {
    jobc::testing::TempDir dir;
    auto compiled = compile_job(dir.path, "command: echo hi\n");
    CHECK(compiled.result.outputs.find("slurm/job.json") == nullptr);
  }

  TEST_CASE("staged input names") {
    CHECK(jobc::slurm_staged_input("train", "data/") == "inputs/train/data");
    CHECK(jobc::slurm_staged_input("train", "../x/file.csv") == "inputs/train/file.csv");
    CHECK(jobc::slurm_staged_input("a.b", ".") == "inputs/a_b/data");
  }
}
