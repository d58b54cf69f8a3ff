// What the Azure ML backend does to the compiled requests at submit time, without a service:
// the uploads the generator lists, the link step (blob URLs, the job's name and compute), and
// the differences it warns about for a cluster that exists.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "backends/azureml/compute_attach.h"
#include "backends/azureml/job_uploads.h"
#include "backends/azureml/request_linking.h"
#include "common/compiled_spec.h"
#include "common/temp_dir.h"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

const char* kJob =
    "command: python train.py --data ${{inputs.data}}\n"
    "code: src\n"
    "inputs: {data: {type: uri_folder, path: ./data}}\n"
    "environment: {build: {path: ctx}}\n"
    "compute: azureml:cpu-cluster\n";

struct Compiled {
  json requests;
  json uploads;
};

Compiled compile_job(const fs::path& dir) {
  Compiled out;
  write(dir / "src/train.py", "print(1)\n");
  write(dir / "data/a.csv", "x\n");
  write(dir / "ctx/Dockerfile", "FROM scratch\n");
  auto compiled = jobc::testing::compile_spec_text(dir, kJob);
  const jobc::OutputSet::File* requests = compiled.result.outputs.find("azureml/requests.json");
  const jobc::OutputSet::File* uploads = compiled.result.outputs.find("azureml/uploads.json");
  REQUIRE(requests != nullptr);
  REQUIRE(uploads != nullptr);
  out.requests = json::parse(requests->content);
  out.uploads = json::parse(uploads->content);
  return out;
}

}  // namespace

TEST_SUITE("azureml") {
  TEST_CASE(
      "uploads.json lists the code, the local input and the build context, relative to the spec") {
    jobc::testing::TempDir dir;
    Compiled compiled = compile_job(dir.path);
    std::map<std::string, json> by_kind;
    for (const json& upload : compiled.uploads) by_kind[upload.value("kind", "")] = upload;
    REQUIRE(by_kind.size() == 3);
    CHECK(by_kind["code"]["path"] == "src");
    CHECK(by_kind["input"]["path"] == "data");
    CHECK(by_kind["build"]["path"] == "ctx");
    CHECK(by_kind["code"]["blob_prefix"].get<std::string>().starts_with("LocalUpload/"));
    CHECK(by_kind["code"]["blob_prefix"].get<std::string>().ends_with("/src"));
    CHECK(by_kind["input"]["datastore"] == "workspaceblobstore");
    // The code's asset is the one the code version PUT names.
    std::string code_put = compiled.requests[0].value("path", "");
    CHECK(code_put.find("/codes/" + by_kind["code"].value("asset_name", "") + "/versions/1") !=
          std::string::npos);

    auto planned = jobc::azureml::planned_uploads(compiled.uploads, dir.path);
    REQUIRE(planned);
    for (const auto& upload : *planned) {
      auto request = jobc::azureml::upload_request(upload, "container");
      REQUIRE(request);
      REQUIRE(request->files.size() == 1);
      CHECK(request->files[0].blob.starts_with(upload.blob_prefix + "/"));
      CHECK(request->legacy_prefix.starts_with("az-ml-artifacts/"));
    }
  }

  TEST_CASE(
      "linking puts the datastore's real blob URL, the run's job name and the compute in the "
      "requests") {
    jobc::testing::TempDir dir;
    Compiled compiled = compile_job(dir.path);
    std::string before = compiled.requests.dump();
    REQUIRE(before.find("https://{storageAccount}.blob.core.windows.net/{blobContainer}/") !=
            std::string::npos);
    json linked = jobc::azureml::link_blob_urls(
        compiled.requests, {{"workspaceblobstore", {"http://127.0.0.1:10000/acct", "cont"}}});
    std::string after = linked.dump();
    CHECK(after.find("{storageAccount}") == std::string::npos);
    CHECK(after.find("{blobContainer}") == std::string::npos);
    CHECK(after.find("http://127.0.0.1:10000/acct/cont/LocalUpload/") != std::string::npos);

    std::string old_name = jobc::azureml::job_name_of(linked);
    linked = jobc::azureml::link_job(linked, "run_1_abc", "/ws/computes/other");
    CHECK(jobc::azureml::job_name_of(linked) == "run_1_abc");
    const json& properties = linked.back()["body"]["properties"];
    CHECK(properties.value("computeId", "") == "/ws/computes/other");
    CHECK(properties.value("displayName", "") == "run_1_abc");
    CHECK(linked.dump().find(old_name) == std::string::npos);
  }

  TEST_CASE("a workspace that is only placeholders is an error that says how to name one") {
    jobc::testing::TempDir dir;
    Compiled compiled = compile_job(dir.path);
    auto workspace = jobc::azureml::job_workspace_path(compiled.requests);
    REQUIRE(!workspace);
    CHECK(workspace.error().message.find("--workspace-name") != std::string::npos);
    auto named = jobc::azureml::workspace_path_of(
        "/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/"
        "workspaces/w/jobs/x");
    REQUIRE(named);
    CHECK(*named ==
          "/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/"
          "workspaces/w");
  }

  TEST_CASE("an existing cluster that differs from its spec is described key by key") {
    json wanted = {{"vmSize", "STANDARD_DS3_V2"},
                   {"scaleSettings", {{"maxNodeCount", 4}, {"minNodeCount", 0}}}};
    json existing = {{"vmSize", "Standard_DS3_v2"},
                     {"scaleSettings", {{"maxNodeCount", 2}, {"minNodeCount", 0}}}};
    auto differences = jobc::azureml::compute_differences(wanted, existing);
    REQUIRE(differences.size() == 1);
    CHECK(differences[0] == "scaleSettings.maxNodeCount: 4 in the spec, 2 in the workspace");
    CHECK(jobc::azureml::compute_differences(wanted, wanted).empty());
  }

  TEST_CASE("a 404 from ARM reads as not found, other errors do not") {
    CHECK(jobc::azureml::is_not_found({"(ResourceNotFound) nope (GET /x: 404)"}));
    CHECK_FALSE(jobc::azureml::is_not_found({"(UserError) bad (PUT /x: 400)"}));
  }
}
