// ArmClient against the fake (tests/infra/azureml_fake/workspace.py and faults.py): reads,
// throttling and server errors retried as azure-core does (waits recorded, not slept),
// refusals shown as "(code) message" with the request, and the two long-running operations
// Azure ML uses: compute create (Azure-AsyncOperation) and job cancel (Location).
#include <doctest/doctest.h>

#include <atomic>

#include "azureml_service/azure_test_support.h"

namespace jobc::testing {
namespace {

using std::chrono::milliseconds;

nlohmann::json compute_body(int max_nodes) {
  return {{"location", "eastus"},
          {"properties",
           {{"computeType", "AmlCompute"},
            {"properties",
             {{"vmSize", "STANDARD_DS3_V2"},
              {"osType", "Linux"},
              {"scaleSettings",
               {{"minNodeCount", 0},
                {"maxNodeCount", max_nodes},
                {"nodeIdleTimeBeforeScaleDown", "PT2M"}}}}}}}};
}

// An environment version then a minimal command job on cpu-cluster, as the SDK would put them
// (bodies as in ../shared/conformance); returns the job's path.
std::string submit_job(azureml::ArmClient& client, const AzureServices& services,
                       const std::string& name) {
  std::string ws = workspace_path(services);
  std::string environment = ws + "/environments/arm-test-env/versions/1";
  auto env = client.send(
      {.method = "PUT",
       .path = environment,
       .api_version = "2022-05-01",
       .body = nlohmann::json{
           {"properties",
            {{"image", "python:3.11-slim"}, {"isAnonymous", false}, {"isArchived", false}}}}});
  REQUIRE_MESSAGE(env.ok(), env.error().message);
  nlohmann::json job = {{"properties",
                         {{"jobType", "Command"},
                          {"command", "echo hello"},
                          {"computeId", ws + "/computes/cpu-cluster"},
                          {"environmentId", environment},
                          {"environmentVariables", nlohmann::json::object()},
                          {"experimentName", "arm-test"},
                          {"inputs", nlohmann::json::object()},
                          {"outputs", nlohmann::json::object()},
                          {"isArchived", false},
                          {"properties", nlohmann::json::object()},
                          {"tags", nlohmann::json::object()}}}};
  std::string path = ws + "/jobs/" + name;
  auto put = client.send(
      {.method = "PUT", .path = path, .api_version = "2022-10-01-preview", .body = job});
  REQUIRE_MESSAGE(put.ok(), put.error().message);
  CHECK(put->status == 201);
  return path;
}

// Counts requests, and answers none: for calls that must be refused before any is sent.
struct CountingTransport : HttpTransport {
  std::atomic<int> requests{0};
  HttpResult perform(const HttpRequest&) override {
    ++requests;
    HttpResponse response;
    response.status = 200;
    return response;
  }
};

struct FixedToken : azureml::TokenCredential {
  Result<std::string> token(const std::string&) override { return std::string("fixed-token"); }
  std::string kind() const override { return "fixed"; }
};

}  // namespace

TEST_SUITE("azureml_service") {
  TEST_CASE("the workspace is read with a bearer token and its api-version") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    services->reset();
    auto client = fake_arm_client(*services);
    auto reply = client->send({.path = workspace_path(*services), .api_version = "2022-10-01"});
    REQUIRE_MESSAGE(reply.ok(), reply.error().message);
    CHECK(reply->status == 200);
    CHECK(reply->body["properties"]["discoveryUrl"] == services->fake_url() + "/discovery");
    CHECK_FALSE(reply->header("x-ms-request-id").empty());
    auto seen = requests_to(*services, "/workspaces/ws");
    REQUIRE(seen.size() == 1);
    CHECK(seen[0]["bearer"] == true);
    CHECK(seen[0]["api_version"] == "2022-10-01");
  }

  TEST_CASE("a 429 is retried after the wait its Retry-After asks") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    services->reset();
    services->set_faults(
        {{"throttle", {{{"match", "^GET .*/workspaces/ws$"}, {"times", 1}, {"retry_after", 2}}}}});
    auto client = fake_arm_client(*services);
    SleepRecorder sleeps;
    sleeps.install(*client);
    auto reply = client->send({.path = workspace_path(*services), .api_version = "2022-10-01"});
    REQUIRE_MESSAGE(reply.ok(), reply.error().message);
    CHECK(sleeps.waits == std::vector<milliseconds>{milliseconds(2000)});
    auto seen = requests_to(*services, "/workspaces/ws");
    REQUIRE(seen.size() == 2);
    CHECK(seen[0]["status"] == 429);
    CHECK(seen[1]["status"] == 200);
  }

  TEST_CASE("500s are retried with growing waits, and a POST is not retried on a 502") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    services->reset();
    std::string ws = workspace_path(*services);
    services->set_faults(
        {{"server_error", {{{"match", "^GET .*/datastores/workspaceblobstore$"}, {"times", 2}}}},
         {"refuse",
          {{{"match", "^POST .*/listSecrets$"},
            {"status", 502},
            {"code", "BadGateway"},
            {"message", "The gateway did not answer."}}}}});
    auto client = fake_arm_client(*services);
    SleepRecorder sleeps;
    sleeps.install(*client);
    auto datastore =
        client->send({.path = ws + "/datastores/workspaceblobstore", .api_version = "2022-10-01"});
    REQUIRE_MESSAGE(datastore.ok(), datastore.error().message);
    CHECK(sleeps.waits == std::vector<milliseconds>{milliseconds(800), milliseconds(1600)});
    CHECK(requests_to(*services, "/datastores/workspaceblobstore").size() == 3);

    auto secrets = client->send({.method = "POST",
                                 .path = ws + "/datastores/workspaceblobstore/listSecrets",
                                 .api_version = "2022-10-01"});
    REQUIRE_FALSE(secrets.ok());
    CHECK(secrets.error().message == "(BadGateway) The gateway did not answer. (POST " + ws +
                                         "/datastores/workspaceblobstore/listSecrets: 502)");
    CHECK(requests_to(*services, "/listSecrets").size() == 1);
    CHECK(sleeps.waits.size() == 2);
  }

  TEST_CASE("a refused PUT shows the service's (code) message and the request that failed") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    services->reset();
    services->set_faults({{"refuse",
                           {{{"match", "^PUT .*/jobs/"},
                             {"status", 400},
                             {"code", "UserError"},
                             {"message", "The job cannot run on this compute."}}}}});
    auto client = fake_arm_client(*services);
    std::string path = workspace_path(*services) + "/jobs/refused-job";
    auto reply = client->send({.method = "PUT",
                               .path = path,
                               .api_version = "2022-10-01-preview",
                               .body = nlohmann::json{{"properties", {{"jobType", "Command"}}}},
                               .what = "submit job refused-job"});
    REQUIRE_FALSE(reply.ok());
    CHECK(reply.error().message ==
          "submit job refused-job: (UserError) The job cannot run on this "
          "compute. (PUT " +
              path + ": 400)");
    CHECK(requests_to(*services, "/jobs/refused-job").size() == 1);
  }

  TEST_CASE("a code version whose files changed is refused with how to fix it") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    services->reset();
    auto client = fake_arm_client(*services);
    std::string path = workspace_path(*services) + "/codes/src/versions/1";
    auto put_code = [&](const std::string& hash) {
      return client->send(
          {.method = "PUT",
           .path = path,
           .api_version = "2022-05-01",
           .body = nlohmann::json{
               {"properties",
                {{"codeUri",
                  "https://wsstorage.blob.core.windows.net/c/LocalUpload/" + hash + "/src"},
                 {"isAnonymous", false}}}}});
    };
    REQUIRE(put_code("aaaa").ok());
    auto changed = put_code("bbbb");
    REQUIRE_FALSE(changed.ok());
    CHECK(changed.error().message ==
          "(UserError) Asset paths cannot be updated. (PUT " + path +
              ": 400): this name and version already belong to a code asset uploaded from other "
              "files, and a version's files never change: give the code a new version or another "
              "name");
  }

  TEST_CASE("a compute create is followed through Azure-AsyncOperation, with progress") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    services->reset();
    services->set_faults({{"slow_lro_seconds", 2}});
    auto client = fake_arm_client(*services);
    SleepRecorder sleeps;
    sleeps.install(*client, /*really=*/true);
    azureml::ArmCall call{.method = "PUT",
                          .path = workspace_path(*services) + "/computes/new-cluster",
                          .api_version = "2022-10-01-preview",
                          .body = compute_body(2)};
    auto started = client->send(call);
    REQUIRE_MESSAGE(started.ok(), started.error().message);
    CHECK(started->status == 201);
    std::vector<std::string> seen;
    auto done = client->wait_for_operation(
        call, *started, [&](std::string_view status) { seen.emplace_back(status); });
    REQUIRE_MESSAGE(done.ok(), done.error().message);
    CHECK(done->body["properties"]["provisioningState"] == "Succeeded");
    REQUIRE(seen.size() >= 2);
    CHECK(seen.front() == "InProgress");
    CHECK(seen.back() == "Succeeded");
    // The first poll went at once; each later one waited the Retry-After: 1 of the poll before.
    CHECK(sleeps.waits == std::vector<milliseconds>(seen.size() - 1, milliseconds(1000)));
    auto polls = requests_to(*services, "/computeOperationsStatus/");
    CHECK(polls.size() == seen.size());
    auto record = services->requests();
    CHECK(record.back()["method"] == "GET");  // the final GET of the resource
    CHECK(record.back()["path"] == call.path);
  }

  TEST_CASE("a compute create that fails gives the operation's (code) message") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    services->reset();
    services->set_faults({{"fail_computes", "^doomed"}, {"step_seconds", 0.1}});
    auto client = fake_arm_client(*services);
    SleepRecorder sleeps;
    sleeps.install(*client, /*really=*/true);
    azureml::ArmCall call{.method = "PUT",
                          .path = workspace_path(*services) + "/computes/doomed-cluster",
                          .api_version = "2022-10-01-preview",
                          .body = compute_body(1),
                          .what = "create compute doomed-cluster"};
    auto started = client->send(call);
    REQUIRE(started.ok());
    auto done = client->wait_for_operation(call, *started);
    REQUIRE_FALSE(done.ok());
    CHECK(done.error().message ==
          "create compute doomed-cluster: the operation ended Failed: (QuotaExceeded) The fake "
          "could not create compute doomed-cluster: not enough quota (fail_computes). (PUT " +
              call.path + ")");
  }

  TEST_CASE("a job cancel is followed through its Location until the job is canceled") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    services->reset();
    services->set_faults({{"step_seconds", 0.5}});
    auto client = fake_arm_client(*services);
    SleepRecorder sleeps;
    sleeps.install(*client, /*really=*/true);
    std::string job = submit_job(*client, *services, "arm-test-cancel");
    azureml::ArmCall cancel{
        .method = "POST", .path = job + "/cancel", .api_version = "2022-10-01-preview"};
    auto started = client->send(cancel);
    REQUIRE_MESSAGE(started.ok(), started.error().message);
    CHECK(started->status == 202);
    CHECK(started->header("Location").find("/mfeOperationResults/") != std::string::npos);
    std::vector<std::string> seen;
    auto done = client->wait_for_operation(
        cancel, *started, [&](std::string_view status) { seen.emplace_back(status); });
    REQUIRE_MESSAGE(done.ok(), done.error().message);
    CHECK(done->status == 200);
    REQUIRE_FALSE(seen.empty());
    CHECK(seen.back() == "Succeeded");
    CHECK(requests_to(*services, "/mfeOperationResults/").size() == seen.size());
    auto state = client->send({.path = job, .api_version = "2022-10-01-preview"});
    REQUIRE(state.ok());
    CHECK(state->body["properties"]["status"] == "Canceled");
  }
}

TEST_SUITE("azureml") {
  TEST_CASE("no request, and so no token, goes over http to a host that is not loopback") {
    auto transport = std::make_shared<CountingTransport>();
    azureml::ArmClient client(transport, std::make_shared<FixedToken>(), "http://example.com");
    auto reply = client.send({.path = "/subscriptions/x", .api_version = "2022-10-01"});
    REQUIRE_FALSE(reply.ok());
    CHECK(reply.error().message ==
          "refusing http://example.com/subscriptions/x: plain http is allowed only to a loopback "
          "address (127.0.0.1, ::1, localhost); use https");
    azureml::ArmClient secure(transport, std::make_shared<FixedToken>(), "https://example.com");
    auto status_url = secure.send({.path = "http://example.com/operations/1"});
    REQUIRE_FALSE(status_url.ok());
    CHECK(transport->requests == 0);
  }
}

}  // namespace jobc::testing
