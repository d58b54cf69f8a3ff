// TF_CONFIG from launch.sh, run for real with a stand-in scontrol: one machine lists its own
// workers; several Slurm nodes list every host of the allocation, and each worker's index
// counts across them.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/compiled_spec.h"
#include "common/run_command.h"
#include "common/temp_dir.h"

namespace fs = std::filesystem;
using json = nlohmann::json;
using jobc::testing::shell_quote;

namespace {

// Runs the compiled launch.sh of a 2-worker TensorFlow job with `env` and returns its
// TF_CONFIGs (one per worker, by index).
struct TfRun {
  jobc::testing::CommandResult result;
  std::map<int, json> configs;
};

TfRun run_tensorflow_job(const jobc::testing::TempDir& dir, const std::string& env) {
  auto compiled =
      jobc::testing::compile_spec_text(dir.path,
                                       "command: echo \"$TF_CONFIG\"\n"
                                       "distribution: {type: tensorflow, worker_count: 2}\n"
                                       "environment: {image: python:3.11-slim}\n");
  { std::ofstream(dir.path / "launch.sh") << compiled.result.outputs.find("launch.sh")->content; }
  TfRun run;
  run.result = jobc::testing::run_command("cd " + shell_quote(dir.path.string()) + " && " + env +
                                          " JOBC_CODE_DIR=. bash launch.sh");
  std::istringstream lines(run.result.out);
  for (std::string line; std::getline(lines, line);) {
    json config = json::parse(line);
    run.configs[config["task"]["index"].get<int>()] = config;
  }
  return run;
}

// A scontrol that expands n[1-2] as Slurm does.
std::string fake_scontrol(const jobc::testing::TempDir& dir) {
  fs::create_directories(dir.path / "bin");
  std::ofstream(dir.path / "bin/scontrol")
      << "#!/bin/sh\n[ \"$1 $2 $3\" = 'show hostnames n[1-2]' ] && printf 'n1\\nn2\\n'\n";
  fs::permissions(dir.path / "bin/scontrol", fs::perms::owner_all);
  return "PATH=" + shell_quote((dir.path / "bin").string()) + ":$PATH";
}

}  // namespace

TEST_SUITE("codegen") {
  TEST_CASE("tensorflow on one machine: its workers on localhost ports") {
    jobc::testing::TempDir dir;
    auto run = run_tensorflow_job(dir, "");
    REQUIRE_MESSAGE(run.result.status == 0, run.result.err);
    REQUIRE(run.configs.size() == 2);
    json workers = json::array({"127.0.0.1:23456", "127.0.0.1:23457"});
    for (int index : {0, 1}) {
      CHECK(run.configs[index]["cluster"]["worker"] == workers);
      CHECK(run.configs[index]["task"]["type"] == "worker");
    }
  }

  TEST_CASE("tensorflow on two Slurm nodes: the allocation's hosts, indexes across nodes") {
    jobc::testing::TempDir dir;
    std::string slurm = fake_scontrol(dir) + " SLURM_NNODES=2 SLURM_JOB_NODELIST='n[1-2]'";
    json workers = json::array({"n1:23456", "n1:23457", "n2:23456", "n2:23457"});
    for (int node : {0, 1}) {
      CAPTURE(node);
      auto run = run_tensorflow_job(dir, slurm + " SLURM_NODEID=" + std::to_string(node));
      REQUIRE_MESSAGE(run.result.status == 0, run.result.err);
      REQUIRE(run.configs.size() == 2);
      for (int index : {node * 2, node * 2 + 1}) {
        REQUIRE(run.configs.count(index));
        CHECK(run.configs[index]["cluster"]["worker"] == workers);
      }
    }
  }

  TEST_CASE("tensorflow on several nodes without their host list fails, saying so") {
    jobc::testing::TempDir dir;
    auto run = run_tensorflow_job(dir, fake_scontrol(dir) + " SLURM_NNODES=2 SLURM_NODEID=0");
    CHECK(run.result.status == 1);
    CHECK(run.configs.empty());
    CHECK(run.result.err.find("expected 2 hosts from SLURM_JOB_NODELIST") != std::string::npos);
  }
}
