// Each fault switch of the fake of Azure ML (tests/infra/azureml_fake/faults.py) met by the
// jobc binary through `jobc submit`: the run ends as it should, jobc says what happened, and
// the fake's record shows the retries. A refused job PUT, a failed job and a job that never
// leaves Queued (canceled with Ctrl-C and `runs cancel`) are in submit_e2e_test.cc.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "azureml_service/azureml_jobc.h"

namespace {

namespace fs = std::filesystem;
using jobc::testing::AzureJobc;
using jobc::testing::JobcSandbox;
using jobc::testing::shell_quote;
using json = nlohmann::json;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::vector<long> statuses(const std::vector<json>& requests) {
  std::vector<long> out;
  for (const json& request : requests) out.push_back(request.value("status", 0L));
  return out;
}

// Seconds between two recorded requests.
double seconds_between(const json& first, const json& second) {
  return second.value("time", 0.0) - first.value("time", 0.0);
}

fs::path cluster_spec() {
  return fs::path(JOBC_SOURCE_DIR) / "tests/azureml/specs/cluster.yml";
}

}  // namespace

TEST_SUITE("azureml_service") {
  TEST_CASE("throttled requests are sent again after Retry-After, and jobc says so") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    AzureJobc azure(*services);
    // One 429 on the code version (before the job is sent: jobc's own output) and one on the
    // job PUT (after: the run's log, which --stream shows).
    azure.set_faults({{"step_seconds", 0.3},
                      {"throttle",
                       {{{"match", "^PUT .*/codes/"}, {"times", 1}, {"retry_after", 1}},
                        {{"match", "^PUT .*/jobs/"}, {"times", 1}, {"retry_after", 1}}}}});
    JobcSandbox sandbox;
    auto submitted = azure.submit(sandbox, azure.train_job(sandbox), "--stream");
    INFO(submitted.out, submitted.err);
    CHECK(submitted.status == 0);
    CHECK(contains(submitted.err, "(TooManyRequests) The request is throttled"));
    CHECK(contains(submitted.err, "retrying in 1 s (retry 1 of 10)"));
    CHECK(contains(submitted.out, "create job "));
    CHECK(contains(submitted.out, ": 429); retrying in 1 s (retry 1 of 10)"));
    for (const char* kind : {"codes", "jobs"}) {
      CAPTURE(kind);
      std::vector<json> puts = azure.recorded(std::string("^PUT .*/workspaces/ws/") + kind);
      REQUIRE(puts.size() == 2);
      CHECK(statuses(puts) == std::vector<long>{429, 201});
      CHECK(seconds_between(puts[0], puts[1]) >= 0.95);  // as Retry-After: 1 asked
    }
    CHECK(azure.only_run(sandbox).value("status", "") == "Completed");
  }

  TEST_CASE("server errors are retried with backoff until the service answers, and jobc says so") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    AzureJobc azure(*services);
    azure.set_faults({{"step_seconds", 0.3},
                      {"server_error",
                       {{{"match", "^GET .*/datastores/workspaceblobstore$"}, {"times", 1}},
                        {{"match", "^GET .*/details$"}, {"times", 2}}}}});
    JobcSandbox sandbox;
    auto submitted = azure.submit(sandbox, azure.train_job(sandbox), "--stream");
    INFO(submitted.out, submitted.err);
    CHECK(submitted.status == 0);
    CHECK(contains(submitted.err, "(InternalServerError) The fake injected a server error."));
    CHECK(contains(submitted.out, "(InternalServerError) The fake injected a server error."));
    CHECK(contains(submitted.out, "retrying in 1.6 s (retry 2 of 10)"));  // 0.8 s, then 1.6 s
    std::vector<json> datastore = azure.recorded("^GET .*/datastores/workspaceblobstore$");
    REQUIRE(datastore.size() >= 2);
    CHECK(statuses(datastore)[0] == 500);
    CHECK(statuses(datastore)[1] == 200);
    std::string id = azure.only_run(sandbox).value("id", "");
    std::vector<json> details = azure.recorded("^GET .*/runs/" + id + "/details$");
    REQUIRE(details.size() >= 3);
    std::vector<long> first_three = statuses(details);
    first_three.resize(3);
    CHECK(first_three == std::vector<long>{500, 500, 200});
    CHECK(seconds_between(details[1], details[2]) >= 1.5);
    CHECK(azure.only_run(sandbox).value("status", "") == "Completed");
  }

  TEST_CASE("a slow compute create is polled through its operation until the cluster is ready") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    AzureJobc azure(*services);
    azure.set_faults({{"step_seconds", 0.3}, {"slow_lro_seconds", 3}});
    JobcSandbox sandbox;
    auto submitted = azure.submit(sandbox, azure.train_job(sandbox),
                                  "--stream --compute " + shell_quote(cluster_spec().string()));
    INFO(submitted.out, submitted.err);
    CHECK(submitted.status == 0);
    CHECK(contains(submitted.err, "creating compute 'crosscheck-cluster'"));
    std::vector<json> put = azure.recorded("^PUT .*/computes/crosscheck-cluster$");
    std::vector<json> polls = azure.recorded("computeOperationsStatus/");
    std::vector<json> job = azure.recorded("^PUT .*/jobs/");
    REQUIRE(put.size() == 1);
    REQUIRE(job.size() == 1);
    CHECK(polls.size() >= 3);  // InProgress at least twice (Retry-After: 1), then Succeeded
    CHECK(seconds_between(put[0], job[0]) >= 3.0);  // the job waited for the cluster
    CHECK(job[0]["body"]["properties"]
              .value("computeId", "")
              .ends_with("/computes/crosscheck-cluster"));
    CHECK(azure.only_run(sandbox).value("status", "") == "Completed");
  }

  TEST_CASE("a slow cancel is followed through its operation until the job is Canceled") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    AzureJobc azure(*services);
    azure.set_faults({{"step_seconds", 0.3}, {"slow_lro_seconds", 3}, {"stuck_jobs", "."}});
    JobcSandbox sandbox;
    auto detached = azure.submit(sandbox, azure.train_job(sandbox), "--detach");
    REQUIRE(detached.status == 0);
    std::string id = detached.out.substr(0, detached.out.find('\n'));
    auto canceled = sandbox.jobc("runs cancel " + id);
    INFO(canceled.out, canceled.err);
    CHECK(canceled.status == 0);
    CHECK(AzureJobc::wait_for_end(sandbox, id) == "Canceled");
    std::vector<json> cancel = azure.recorded("^POST .*/jobs/" + id + "/cancel$");
    std::vector<json> polls = azure.recorded("mfeOperationResults/");
    REQUIRE(cancel.size() == 1);
    CHECK(cancel[0].value("status", 0) == 202);
    REQUIRE(polls.size() >= 3);  // 202 while the operation runs (3 s, Retry-After: 1), then 200
    CHECK(polls.back().value("status", 0) == 200);
    CHECK(seconds_between(cancel[0], polls.back()) >= 2.9);
    auto logs = sandbox.jobc("runs logs " + id);
    INFO(logs.out);
    CHECK(contains(logs.out, "Azure ML job " + id + " is Canceled"));
  }
}
