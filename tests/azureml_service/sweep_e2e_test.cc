// A sweep job on Azure ML: jobc submits it whole (Azure ML runs the trials), as
// `az ml job create --stream` does, and streams the sweep's own log, azureml-logs/hyperdrive.txt.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "azureml_service/azureml_jobc.h"

namespace {

namespace fs = std::filesystem;
using jobc::testing::AzureJobc;
using jobc::testing::JobcSandbox;
using json = nlohmann::json;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_SUITE("azureml_service") {
  TEST_CASE("a sweep goes to Azure ML whole, and its hyperdrive log streams until it ends") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    AzureJobc azure(*services);
    azure.set_faults({{"step_seconds", 0.2}});
    JobcSandbox sandbox;
    fs::create_directories(sandbox.dir.path / "src");
    std::ofstream(sandbox.dir.path / "src/train.py") << "print('trial')\n";
    fs::path spec = sandbox.dir.path / "sweep.yml";
    std::ofstream(spec)
        << "$schema: https://azuremlschemas.azureedge.net/latest/sweepJob.schema.json\n"
           "type: sweep\n"
           "experiment_name: sweeps\n"
           "trial:\n"
           "  code: src\n"
           "  command: python train.py --lr ${{search_space.lr}}\n"
           "  environment: {image: python:3.11-slim}\n"
           "search_space:\n"
           "  lr: {type: choice, values: [0.1, 0.01]}\n"
           "sampling_algorithm: grid\n"
           "objective: {goal: minimize, primary_metric: loss}\n"
           "limits: {max_total_trials: 2, max_concurrent_trials: 2}\n";
    auto submitted = azure.submit_stream(sandbox, spec);
    INFO(submitted.out, submitted.err);
    CHECK(submitted.status == 0);
    CHECK(contains(submitted.out, "Streaming azureml-logs/hyperdrive.txt"));
    CHECK(contains(submitted.out, "[hyperdrive] trial 0 completed"));
    std::vector<json> jobs = azure.recorded("^PUT .*/workspaces/ws/jobs/");
    REQUIRE(jobs.size() == 1);
    const json& properties = jobs[0]["body"]["properties"];
    CHECK(properties.value("jobType", "") == "Sweep");
    CHECK(contains(properties["computeId"].get<std::string>(), "/computes/cpu-cluster"));
    CHECK(contains(properties["trial"].value("codeId", ""), "/codes/"));
    CHECK(properties["searchSpace"]["lr"] == json::parse(R"(["choice", [[0.1, 0.01]]])"));
    json run = azure.only_run(sandbox);
    CHECK(run.value("status", "") == "Completed");
    CHECK(run.value("type", "") == "sweep");
    CHECK(run.value("backend", "") == "azureml");
  }
}
