// jobc against the official client: the SDK (azure-ai-ml 1.4.0, Debian's python3-azure, run by
// tests/azureml/sdk_submit.py) and the jobc binary submit the same spec to the same fake, in
// both orders. Their ARM request sequences (method, path template, api-version, order) must
// be the same except for the differences listed below with their reasons, the bodies of
// their code, environment and job PUTs the same, and each reuses the upload the other made.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "azureml_service/azure_test_support.h"
#include "azureml_service/azureml_jobc.h"

namespace {

namespace fs = std::filesystem;
using jobc::testing::AzureJobc;
using jobc::testing::AzureServices;
using jobc::testing::JobcSandbox;
using jobc::testing::shell_quote;
using json = nlohmann::json;

// A request one client sends and the other does not, and why that is right.
struct ExpectedDifference {
  const char* request;  // "METHOD {ws}/path api-version", as sequence() writes it
  const char* only_by;  // "jobc" or "sdk"
  bool local_inputs;    // only for a job with local inputs (else for every job)
  const char* why;
};

const ExpectedDifference kExpectedDifferences[] = {
    {"GET {ws}/computes/cpu-cluster 2022-10-01-preview", "jobc", false,
     "jobc looks the cluster up before it uploads anything, so that a missing cluster is an "
     "error saying how to create it (issue 14, point 5), not a refused job after the uploads; "
     "the SDK never GETs the compute of a command job (contract 0.6)"},
    // The SDK uploads local inputs after the environment version, opening the datastore
    // again for them (contract 1, step 6); jobc opens each datastore once per submit and
    // uploads everything before the first version PUT. The later occurrence is the extra one.
    {"GET {ws}/datastores/workspaceblobstore 2022-10-01", "sdk", true,
     "the SDK reads the datastore again for the job's local inputs; jobc keeps the one it read"},
    {"POST {ws}/datastores/workspaceblobstore/listSecrets 2022-10-01", "sdk", true,
     "the SDK asks for the storage key again for the job's local inputs; jobc keeps it in memory "
     "for the whole submit"},
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

bool sent_by_sdk(const json& request) {
  return contains(request.value("user_agent", ""), "azure-ai-ml/");
}

// A path with the workspace, code names and job names written as templates.
std::string path_template(const AzureServices& services, std::string path) {
  std::string workspace = jobc::testing::workspace_path(services);
  if (path.starts_with(workspace)) path = "{ws}" + path.substr(workspace.size());
  path = std::regex_replace(path, std::regex("/codes/[^/]+/"), "/codes/{code}/");
  return std::regex_replace(path, std::regex("/jobs/[^/]+"), "/jobs/{job}");
}

// One client's ARM requests, from the first until its job PUT: "METHOD template api-version".
std::vector<std::string> sequence(const AzureServices& services, const json& record, bool sdk) {
  std::vector<std::string> out;
  for (const json& request : record) {
    std::string path = request.value("path", "");
    if (!path.starts_with("/subscriptions/") || sent_by_sdk(request) != sdk) continue;
    std::string method = request.value("method", "");
    out.push_back(method + " " + path_template(services, path) + " " +
                  request.value("api_version", ""));
    if (method == "PUT" && contains(path, "/jobs/")) break;
  }
  return out;
}

// The last body one client PUT to a path containing `part`.
json put_body(const json& record, bool sdk, const std::string& part) {
  json body;
  for (const json& request : record) {
    if (sent_by_sdk(request) == sdk && request.value("method", "") == "PUT" &&
        contains(request.value("path", ""), part))
      body = request.value("body", json());
  }
  return body;
}

std::string put_path(const json& record, bool sdk, const std::string& part) {
  std::string path;
  for (const json& request : record) {
    if (sent_by_sdk(request) == sdk && request.value("method", "") == "PUT" &&
        contains(request.value("path", ""), part))
      path = request.value("path", "");
  }
  return path;
}

// The SDK's create_or_update of `spec` as job `name` (sdk_submit.py): its document (the job,
// the requests it sent), or null when the SDK cannot run here (the reason is printed).
json sdk_submit(const fs::path& spec, const std::string& name) {
  auto ran = jobc::testing::run_command(
      "/usr/bin/python3 " +
      shell_quote(std::string(JOBC_SOURCE_DIR) + "/tests/azureml/sdk_submit.py") + " " +
      shell_quote(spec.string()) + " --name " + shell_quote(name));
  if (ran.status == 77) {
    MESSAGE(("skipped: " + ran.out));
    return nullptr;
  }
  REQUIRE_MESSAGE(ran.status == 0, ran.err);
  json document = json::parse(ran.out, nullptr, false);
  REQUIRE(document.is_object());
  return document;
}

// jobc submit --detach; the run's id, once its job has ended (so that no monitor of it is
// left polling a fake that the next test resets).
std::string jobc_submit(const AzureJobc& azure, const JobcSandbox& sandbox, const fs::path& spec,
                        std::string* progress) {
  auto submitted = azure.submit(sandbox, spec, "--detach");
  INFO(submitted.err);
  REQUIRE(submitted.status == 0);
  *progress = submitted.err;
  std::string id = submitted.out.substr(0, submitted.out.find('\n'));
  CHECK(AzureJobc::wait_for_end(sandbox, id) == "Completed");
  return id;
}

// The blob PUTs the SDK sent under `prefix` (uploads; a reused upload sends none).
size_t sdk_blob_puts(const json& document, const std::string& part) {
  size_t count = 0;
  for (const json& request : document["client_requests"]) {
    if (request.value("method", "") == "PUT" && contains(request.value("path", ""), part) &&
        contains(request.value("path", ""), "/LocalUpload/"))
      ++count;
  }
  return count;
}

// Both sequences are the same once the listed differences are taken out, and each listed
// difference did occur (so that the table cannot go stale).
void check_sequences(const AzureServices& services, const json& record, bool local_inputs) {
  std::vector<std::string> by_jobc = sequence(services, record, false);
  std::vector<std::string> by_sdk = sequence(services, record, true);
  INFO("jobc: ", json(by_jobc).dump(1));
  INFO("sdk: ", json(by_sdk).dump(1));
  REQUIRE(!by_sdk.empty());
  for (const ExpectedDifference& difference : kExpectedDifferences) {
    if (difference.local_inputs && !local_inputs) continue;
    CAPTURE(difference.request);
    std::vector<std::string>& side = std::string(difference.only_by) == "jobc" ? by_jobc : by_sdk;
    auto found = std::find(side.rbegin(), side.rend(), difference.request);
    CHECK(found != side.rend());
    if (found != side.rend()) side.erase(std::next(found).base());
  }
  CHECK(by_jobc == by_sdk);
}

// The code, environment and job bodies are the same, the job's own name aside (jobc names an
// unnamed job after its run, the SDK after a uuid; both make it the display name too).
void check_bodies(const json& record, const std::string& jobc_job, const std::string& sdk_job) {
  for (const char* kind : {"/codes/", "/environments/"}) {
    CAPTURE(kind);
    json by_jobc = put_body(record, false, kind);
    CHECK(!by_jobc.is_null());
    CHECK(by_jobc == put_body(record, true, kind));
  }
  auto job = [&](bool sdk, const std::string& name) {
    std::string text = put_body(record, sdk, "/jobs/" + name).dump();
    return json::parse(std::regex_replace(text, std::regex(name), "{job}"));
  };
  json by_jobc = job(false, jobc_job);
  CHECK(by_jobc["properties"].value("displayName", "") == "{job}");
  CHECK(by_jobc == job(true, sdk_job));
}

// jobc first, then the SDK (which reuses jobc's uploads); then the other way round. The spec
// is examples/FOLDER, or tests/azureml/specs/train when FOLDER is empty.
void cross_check(const AzureServices& services, const std::string& example_folder,
                 bool local_inputs, const std::vector<std::string>& uploaded) {
  for (bool jobc_first : {true, false}) {
    CAPTURE(jobc_first);
    AzureJobc azure(services);
    azure.set_faults({{"step_seconds", 0.2}});
    JobcSandbox sandbox;
    fs::path spec =
        example_folder.empty() ? azure.train_job(sandbox) : azure.example(sandbox, example_folder);
    std::string progress, jobc_job;
    json sdk;
    std::string sdk_job = jobc_first ? "sdk-after-jobc" : "sdk-before-jobc";
    if (jobc_first) {
      jobc_job = jobc_submit(azure, sandbox, spec, &progress);
      sdk = sdk_submit(spec, sdk_job);
    } else {
      sdk = sdk_submit(spec, sdk_job);
      if (sdk.is_null()) return;
      jobc_job = jobc_submit(azure, sandbox, spec, &progress);
    }
    if (sdk.is_null()) return;
    json record = services.requests();
    check_sequences(services, record, local_inputs);
    check_bodies(record, jobc_job, sdk_job);

    // Each reuses the other's upload: the same code version, no blob sent the second time.
    CHECK(put_path(record, false, "/codes/") == put_path(record, true, "/codes/"));
    for (const std::string& folder : uploaded) {
      CAPTURE(folder);
      if (jobc_first) {
        CHECK(contains(progress, "uploaded " + folder));
        CHECK(sdk_blob_puts(sdk, "/" + folder.substr(folder.find(' ') + 1) + "/") == 0);
      } else {
        CHECK(contains(progress, folder + " is already uploaded"));
        CHECK(sdk_blob_puts(sdk, "/" + folder.substr(folder.find(' ') + 1) + "/") > 0);
      }
    }
  }
}

}  // namespace

TEST_SUITE("azureml_service") {
  TEST_CASE(
      "jobc and the SDK send the same requests and bodies for a job with code, an input and an "
      "image, and reuse each other's uploads") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    cross_check(*services, "", true, {"code src", "input data"});
  }

  TEST_CASE(
      "jobc and the SDK send the same requests and bodies for a job with a conda environment, "
      "and reuse each other's uploads") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    cross_check(*services, "sklearn-conda", false, {"code src"});
  }
}
