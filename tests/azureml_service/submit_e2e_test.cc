// jobc submit on Azure ML, end to end: the jobc binary against Azurite and the fake of Azure
// ML's control plane (tests/infra/azurite_up.sh). Each test resets the fake.
#include <doctest/doctest.h>
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "azureml_service/azureml_jobc.h"
#include "common/child_process.h"

namespace {

namespace fs = std::filesystem;
using jobc::testing::AzureJobc;
using jobc::testing::ChildProcess;
using jobc::testing::JobcSandbox;
using jobc::testing::shell_quote;
using jobc::testing::slurp;

// Index of the first recorded request starting with `prefix` at or after `from`; -1 if none.
long find_request(const std::vector<std::string>& requests, const std::string& prefix,
                  long from = 0) {
  for (size_t i = static_cast<size_t>(from); i < requests.size(); ++i)
    if (requests[i].rfind(prefix, 0) == 0) return static_cast<long>(i);
  return -1;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

// Every file under `dir`, read whole, concatenated.
std::string all_files(const fs::path& dir) {
  std::string out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file(ec)) out += slurp(it->path());
  }
  return out;
}

std::string run_id_of(const std::string& out) {
  return out.substr(0, out.find('\n'));
}

}  // namespace

TEST_SUITE("azureml_service") {
  TEST_CASE(
      "submit --stream runs a job with code on Azure ML, prints its log and brings outputs back") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    AzureJobc azure(*services);
    JobcSandbox sandbox;
    fs::path job = azure.train_job(sandbox);
    auto submitted = azure.submit(sandbox, job, "--stream");
    INFO(submitted.err);
    CHECK(submitted.status == 0);
    CHECK(submitted.out.find("Streaming user_logs/std_log.txt") != std::string::npos);

    auto listed = sandbox.jobc("runs list --output json");
    auto runs = nlohmann::json::parse(listed.out, nullptr, false);
    REQUIRE(runs.is_array());
    REQUIRE(runs.size() == 1);
    std::string id = runs[0].value("id", "");
    auto run = sandbox.run(id);
    CHECK(run.value("status", "") == "Completed");
    CHECK(run.value("backend", "") == "azureml");
    CHECK(run.value("backend_job_id", "") == id);
    fs::path folder = run.value("folder", "");
    CHECK(fs::exists(folder / "work" / "outputs" / "result.txt"));

    fs::path downloads = sandbox.dir.path / "downloaded";
    auto downloaded =
        sandbox.jobc("runs download " + id + " -o " + shell_quote(downloads.string()));
    INFO(downloaded.err);
    CHECK(downloaded.status == 0);
    CHECK(!all_files(downloads).empty());

    // The SDK's order: datastore, its key, code version, environment version, then the job.
    std::vector<std::string> requests = azure.arm_requests();
    INFO(joined(requests));
    long datastore = find_request(requests, "GET /datastores/workspaceblobstore");
    long secrets = find_request(requests, "POST /datastores/workspaceblobstore/listSecrets");
    long code = find_request(requests, "PUT /codes/");
    long environment = find_request(requests, "PUT /environments/");
    long put_job = find_request(requests, "PUT /jobs/" + id);
    CHECK(datastore >= 0);
    CHECK(secrets > datastore);
    CHECK(code > secrets);
    CHECK(environment > code);
    CHECK(put_job > environment);

    // No secret anywhere jobc writes or prints.
    std::string written = submitted.out + submitted.err + all_files(sandbox.home());
    for (const std::string& secret : azure.secrets()) {
      CHECK_MESSAGE(written.find(secret) == std::string::npos, "a secret leaked");
    }
    auto shown = sandbox.jobc("runs show " + id);
    CHECK(shown.out.find("https://ml.azure.com/runs/" + id) != std::string::npos);
  }

  TEST_CASE("a second submit of unchanged code and inputs uploads nothing") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    AzureJobc azure(*services);
    JobcSandbox sandbox;
    fs::path job = azure.train_job(sandbox);
    auto first = azure.submit(sandbox, job, "--detach");
    INFO(first.err);
    REQUIRE(first.status == 0);
    CHECK(first.err.find("jobc: uploaded code src") != std::string::npos);
    auto second = azure.submit(sandbox, job, "--detach");
    INFO(second.err);
    REQUIRE(second.status == 0);
    CHECK(second.err.find("jobc: uploaded") == std::string::npos);
    CHECK(second.err.find("code src is already uploaded") != std::string::npos);
    CHECK(second.err.find("input data is already uploaded") != std::string::npos);
    CHECK(run_id_of(first.out) != run_id_of(second.out));
  }

  TEST_CASE("a job that fails on Azure ML exits 1 with its error") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    AzureJobc azure(*services);
    azure.set_faults({{"fail_jobs", "."}});
    JobcSandbox sandbox;
    fs::path job = azure.train_job(sandbox);
    auto submitted = azure.submit(sandbox, job, "--stream");
    INFO(submitted.out, submitted.err);
    CHECK(submitted.status == 1);
    CHECK(submitted.err.find("fake failure") != std::string::npos);
  }

  TEST_CASE("a job PUT the workspace refuses fails the submit with the service's (code) message") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    AzureJobc azure(*services);
    azure.set_faults({{"refuse",
                       {{{"match", "^PUT .*/jobs/"},
                         {"status", 400},
                         {"code", "UserError"},
                         {"message", "The quota is exhausted."}}}}});
    JobcSandbox sandbox;
    fs::path job = azure.train_job(sandbox);
    auto submitted = azure.submit(sandbox, job, "--stream");
    INFO(submitted.out, submitted.err);
    CHECK(submitted.status == 1);
    CHECK(submitted.err.find("(UserError) The quota is exhausted.") != std::string::npos);
  }

  TEST_CASE("a cluster missing from the workspace is an error that says how to create it") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    AzureJobc azure(*services);
    JobcSandbox sandbox;
    fs::path job = azure.train_job(sandbox);
    auto submitted = azure.submit_stream(sandbox, job, "azureml:gpu-cluster");
    INFO(submitted.out, submitted.err);
    CHECK(submitted.status == 2);
    CHECK(submitted.err.find("compute 'gpu-cluster' does not exist") != std::string::npos);
    CHECK(submitted.err.find("jobc create") != std::string::npos);
    CHECK(find_request(azure.arm_requests(), "PUT /jobs/") < 0);
  }

  TEST_CASE(
      "a compute spec missing from the workspace is created through its long-running operation") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    AzureJobc azure(*services);
    JobcSandbox sandbox;
    fs::path job = azure.train_job(sandbox);
    fs::path cluster = fs::path(JOBC_SOURCE_DIR) / "tests/azureml/specs/cluster.yml";
    auto submitted =
        azure.submit(sandbox, job, "--detach --compute " + shell_quote(cluster.string()));
    INFO(submitted.out, submitted.err);
    CHECK(submitted.status == 0);
    CHECK(submitted.err.find("creating compute 'crosscheck-cluster'") != std::string::npos);
    std::vector<std::string> requests = azure.arm_requests();
    INFO(joined(requests));
    long get = find_request(requests, "GET /computes/crosscheck-cluster");
    long put = find_request(requests, "PUT /computes/crosscheck-cluster");
    CHECK(get >= 0);
    CHECK(put > get);
    CHECK(find_request(requests, "PUT /jobs/", put) > put);
    // Present now: a second submit uses it and does not PUT it again.
    auto again = azure.submit(sandbox, job, "--detach --compute " + shell_quote(cluster.string()));
    CHECK(again.status == 0);
    requests = azure.arm_requests();
    CHECK(find_request(requests, "PUT /computes/crosscheck-cluster", put + 1) < 0);
  }

  TEST_CASE("Ctrl-C cancels an Azure ML job, streams until it is Canceled and exits 130") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    AzureJobc azure(*services);
    azure.set_faults({{"stuck_jobs", "."}});
    JobcSandbox sandbox;
    fs::path job = azure.train_job(sandbox);
    ChildProcess submit(
        {"submit", "--stream", job.string(), "--subscription", services->subscription(),
         "--resource-group", services->resource_group(), "--workspace-name", services->workspace()},
        sandbox.home());
    REQUIRE(submit.wait_for_output("is Queued", 60));
    submit.signal(SIGINT);
    int status = submit.wait(60);
    INFO(submit.output());
    CHECK(status == 130);
    CHECK(find_request(azure.arm_requests(), "POST /jobs/") >= 0);
  }

  TEST_CASE("runs cancel cancels a detached Azure ML job, and runs logs --follow re-attaches") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    AzureJobc azure(*services);
    JobcSandbox sandbox;
    fs::path job = azure.train_job(sandbox);
    auto detached = azure.submit(sandbox, job, "--detach");
    INFO(detached.err);
    REQUIRE(detached.status == 0);
    auto followed = sandbox.jobc("runs logs --follow " + run_id_of(detached.out));
    CHECK(followed.status == 0);
    CHECK(followed.out.find("Streaming user_logs/std_log.txt") != std::string::npos);

    azure.set_faults({{"stuck_jobs", "."}});
    auto stuck = azure.submit(sandbox, job, "--detach");
    REQUIRE(stuck.status == 0);
    std::string id = run_id_of(stuck.out);
    auto canceled = sandbox.jobc("runs cancel " + id);
    INFO(canceled.out, canceled.err);
    CHECK(canceled.status == 0);
    CHECK(AzureJobc::wait_for_end(sandbox, id) == "Canceled");
    CHECK(find_request(azure.arm_requests(), "POST /jobs/" + id + "/cancel") >= 0);
  }
}

TEST_SUITE("azureml_service") {
  TEST_CASE("a second Ctrl-C stops waiting for a cancel, which goes on to Canceled") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    AzureJobc azure(*services);
    azure.set_faults({{"step_seconds", 4.0}});
    JobcSandbox sandbox;
    fs::path job = azure.train_job(sandbox);
    ChildProcess submit(
        {"submit", "--stream", job.string(), "--subscription", services->subscription(),
         "--resource-group", services->resource_group(), "--workspace-name", services->workspace()},
        sandbox.home());
    REQUIRE(submit.wait_for_output("[jobc] RunId", 60));
    submit.signal(SIGINT);
    REQUIRE(submit.wait_for_output("canceling the run", 10));
    submit.signal(SIGINT);
    int status = submit.wait(10);
    INFO(submit.output());
    CHECK(status == 130);
    CHECK(submit.output().find("detached") != std::string::npos);
    auto runs = nlohmann::json::parse(sandbox.jobc("runs list --output json").out, nullptr, false);
    REQUIRE(runs.size() == 1);
    std::string id = runs[0].value("id", "");
    CHECK(AzureJobc::wait_for_end(sandbox, id) == "Canceled");
  }
}

TEST_SUITE("azureml_service") {
  TEST_CASE("jobc create makes an environment version and a cluster in the workspace") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    AzureJobc azure(*services);
    JobcSandbox sandbox;
    fs::path environment = sandbox.dir.path / "env.yml";
    std::ofstream(environment) << "name: trainer\nversion: \"3\"\nimage: python:3.11-slim\n";
    fs::path cluster = fs::path(JOBC_SOURCE_DIR) / "tests/azureml/specs/cluster.yml";
    auto created = sandbox.jobc("create " + shell_quote(environment.string()) + " " +
                                shell_quote(cluster.string()) + azure.workspace_flags());
    INFO(created.out, created.err);
    CHECK(created.status == 0);
    CHECK(created.err.find("compute 'crosscheck-cluster' is ready") != std::string::npos);
    std::vector<std::string> requests = azure.arm_requests();
    CHECK(find_request(requests, "PUT /environments/trainer/versions/3") >= 0);
    CHECK(find_request(requests, "PUT /computes/crosscheck-cluster") >= 0);
    auto job_spec = sandbox.jobc("create " + shell_quote(azure.train_job(sandbox).string()) +
                                 azure.workspace_flags());
    CHECK(job_spec.status == 2);
    CHECK(job_spec.err.find("only environment specs and compute specs") != std::string::npos);
  }
}
