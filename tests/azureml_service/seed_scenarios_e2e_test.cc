// The seeds' scenarios on Azure ML, end to end: the project's examples/ submitted with the
// jobc binary (`jobc submit --stream`) to Azurite and the fake of Azure ML's control plane,
// each checked in what the fake received (bodies of the environment and job versions), what
// landed in the datastore, and the run's final state and outputs.
#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <string>

#include "azureml_service/azure_test_support.h"
#include "azureml_service/azureml_jobc.h"

namespace {

namespace fs = std::filesystem;
using jobc::testing::AzureJobc;
using jobc::testing::JobcSandbox;
using json = nlohmann::json;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The blob prefix of a datastore URL jobc sent (codeUri, build.contextUri): what follows the
// container, without a trailing '/'.
std::string blob_prefix_of(const std::string& url) {
  std::string container = std::string(AzureJobc::kDatastoreContainer) + "/";
  size_t at = url.find(container);
  REQUIRE_MESSAGE(at != std::string::npos, url);
  std::string prefix = url.substr(at + container.size());
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  return prefix;
}

// The name of the code version a recorded PUT created (".../codes/NAME/versions/1").
std::string code_name(const json& put) {
  std::string path = put.value("path", "");
  size_t at = path.find("/codes/") + 7;
  return path.substr(at, path.find('/', at) - at);
}

// The run ended Completed and brought the job's outputs back into its folder.
void check_completed_with_outputs(const AzureJobc& azure, const JobcSandbox& sandbox) {
  json run = azure.only_run(sandbox);
  CHECK(run.value("status", "") == "Completed");
  fs::path folder = run.value("folder", "");
  CHECK(fs::exists(folder / "work" / "outputs" / "result.txt"));
}

// The one PUT of `kind` ("codes", "environments", "jobs") the fake received, whole.
json the_put(const AzureJobc& azure, const std::string& kind) {
  std::vector<json> puts = azure.recorded("^PUT .*/workspaces/ws/" + kind + "/");
  REQUIRE(puts.size() == 1);
  return puts[0];
}

}  // namespace

TEST_SUITE("azureml_service") {
  TEST_CASE("a job with a conda environment runs on Azure ML with its conda file in the version") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    AzureJobc azure(*services);
    azure.set_faults({{"step_seconds", 0.3}});
    JobcSandbox sandbox;
    auto submitted = azure.submit_stream(sandbox, azure.example(sandbox, "sklearn-conda"));
    INFO(submitted.out, submitted.err);
    CHECK(submitted.status == 0);
    CHECK(contains(submitted.out, "Streaming user_logs/std_log.txt"));
    CHECK(contains(submitted.out, "would run: python train.py --C ${{inputs.C}}"));

    json environment = the_put(azure, "environments");
    CHECK(contains(environment.value("path", ""),
                   "/environments/CliV2AnonymousEnvironment/versions/"));
    const json& properties = environment["body"]["properties"];
    CHECK(properties.value("image", "") ==
          "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest");
    std::string conda = properties.value("condaFile", "");
    CHECK(contains(conda, "- scikit-learn=1.3"));
    CHECK(contains(conda, "  - mlflow==2.8.0"));
    json job = the_put(azure, "jobs");
    CHECK(job["body"]["properties"].value("environmentId", "") == environment.value("path", ""));

    // The code went to the datastore, confirmed last with the SDK's metadata.
    json code = the_put(azure, "codes");
    std::string prefix = blob_prefix_of(code["body"]["properties"].value("codeUri", ""));
    auto blobs = azure.datastore_blobs();
    auto indicator = blobs.head(AzureJobc::kDatastoreContainer, prefix + "/train.py");
    REQUIRE(indicator);
    REQUIRE(indicator->has_value());
    CHECK((*indicator)->metadata ==
          std::map<std::string, std::string>{
              {"upload_status", "completed"}, {"name", code_name(code)}, {"version", "1"}});
    check_completed_with_outputs(azure, sandbox);
    // The studio page as the job PUT's reply names it (services.Studio.endpoint; the fake's
    // has no &tid=, which jobc adds when it builds the URL before the job is sent).
    nlohmann::json run = azure.only_run(sandbox);
    std::string id = run.value("id", "");
    std::string studio =
        "https://ml.azure.com/runs/" + id + "?wsid=" + jobc::testing::workspace_path(*services);
    CHECK(contains(submitted.out, "[jobc] Web View: " + studio + "\n"));
    CHECK(run.value("url", "") == studio);  // runs show has the reply's page too
  }

  TEST_CASE("a custom Dockerfile's build context is uploaded and named by the environment") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    AzureJobc azure(*services);
    azure.set_faults({{"step_seconds", 0.3}});
    JobcSandbox sandbox;
    fs::path job_file = azure.example(sandbox, "custom-dockerfile");
    auto submitted = azure.submit_stream(sandbox, job_file);
    INFO(submitted.out, submitted.err);
    CHECK(submitted.status == 0);
    CHECK(contains(submitted.err, "jobc: uploaded build docker-context: 2 files"));

    json environment = the_put(azure, "environments");
    const json& build = environment["body"]["properties"]["build"];
    CHECK(build.value("dockerfilePath", "") == "Dockerfile");
    std::string context_uri = build.value("contextUri", "");
    CHECK(context_uri.ends_with("/docker-context/"));  // the service wants the trailing '/'
    CHECK(!environment["body"]["properties"].contains("image"));

    // Both files of the context, byte for byte in size, under the URL the version names.
    std::string prefix = blob_prefix_of(context_uri);
    auto listed = azure.datastore_blobs().list(AzureJobc::kDatastoreContainer, prefix + "/");
    REQUIRE(listed);
    std::map<std::string, uint64_t> sizes;
    for (const auto& item : *listed) sizes[item.name.substr(prefix.size() + 1)] = item.size;
    fs::path context = job_file.parent_path() / "docker-context";
    CHECK(sizes == std::map<std::string, uint64_t>{
                       {"Dockerfile", fs::file_size(context / "Dockerfile")},
                       {"requirements.txt", fs::file_size(context / "requirements.txt")}});
    json job = the_put(azure, "jobs");
    CHECK(job["body"]["properties"].value("environmentId", "") == environment.value("path", ""));
    check_completed_with_outputs(azure, sandbox);
  }

  TEST_CASE("2 nodes x 2 processes with MPI: the job asks for both and the stream shows rank 0") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    AzureJobc azure(*services);
    azure.set_faults({{"step_seconds", 0.3}});
    JobcSandbox sandbox;
    // The example runs on a Slurm cluster spec; here on the workspace's cluster.
    auto submitted = azure.submit_stream(sandbox, azure.example(sandbox, "mpi-distributed"));
    INFO(submitted.out, submitted.err);
    CHECK(submitted.status == 0);

    json job = the_put(azure, "jobs");
    const json& properties = job["body"]["properties"];
    CHECK(properties["distribution"] ==
          json{{"distributionType", "Mpi"}, {"processCountPerInstance", 2}});
    CHECK(properties["resources"].value("instanceCount", 0) == 2);
    // Rank 0's log only, as the SDK streams (user_logs/std_log_process_0.txt).
    CHECK(contains(submitted.out, "Streaming user_logs/std_log_process_0.txt"));
    CHECK(contains(submitted.out, "step 6/6"));
    CHECK(!contains(submitted.out, "std_log_process_1"));
    CHECK(!contains(submitted.out, "rank 1 step"));
    // Every rank's log comes back with the run.
    json run = azure.only_run(sandbox);
    CHECK(run.value("status", "") == "Completed");
    fs::path user_logs = fs::path(run.value("folder", "")) / "work" / "user_logs";
    for (int rank = 0; rank < 4; ++rank) {
      CHECK(fs::exists(user_logs / ("std_log_process_" + std::to_string(rank) + ".txt")));
    }
  }

  TEST_CASE("a private base-image registry with credentials is refused before any request") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    AzureJobc azure(*services);
    JobcSandbox sandbox;
    auto submitted =
        azure.submit_stream(sandbox, azure.example(sandbox, "fastai-private-registry"));
    INFO(submitted.out, submitted.err);
    CHECK(submitted.status == 1);  // the spec cannot run as written
    // Located at the registry's credentials, saying what the workspace needs instead.
    CHECK(contains(submitted.err, "fastai-private-registry/environment.yml:11:13: error[E013]"));
    CHECK(contains(submitted.err, "Azure ML does not take registry credentials"));
    CHECK(contains(submitted.err, "category ContainerRegistry, target myregistry.azurecr.io"));
    CHECK(contains(submitted.err, "AcrPull"));
    CHECK(services->requests().empty());  // not even a token
    CHECK(sandbox.jobc("runs list --output json").out.find("\"id\"") == std::string::npos);
  }
}
