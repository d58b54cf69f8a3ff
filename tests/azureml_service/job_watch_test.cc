// Following, cancelling and downloading Azure ML jobs against the fake of Azure ML's control
// plane and Azurite (tests/infra/azurite_up.sh): jobs are created as the SDK creates them
// (an environment version, then a command job), then looked at until they end.
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "backends/azureml/service/datastore.h"
#include "backends/azureml/service/job_watch.h"
#include "backends/azureml/storage/blob_client.h"
#include "common/azure_services.h"
#include "common/run_command.h"
#include "common/temp_dir.h"

namespace {

namespace fs = std::filesystem;
using jobc::HttpRequest;
using jobc::HttpResponse;
using jobc::HttpResult;
using jobc::HttpTransport;
using jobc::JobExit;
using jobc::JobPhase;
using jobc::RunStatus;
using jobc::azureml::ArmCall;
using jobc::azureml::ArmClient;
using jobc::azureml::JobAddress;
using jobc::azureml::JobDetails;
using jobc::azureml::JobWatch;
using jobc::testing::AzureServices;
using nlohmann::json;

// The error's message, for REQUIRE_MESSAGE.
template <class T>
std::string error_of(const jobc::Result<T>& result) {
  return result.ok() ? "" : result.error().message;
}

// Records every request, and counts the bytes of the replies from the job's artifact blobs
// (run history's SAS log URLs point there). The fake's datastores name Azure's endpoint
// ("core.windows.net", https), unreachable here: their GET replies are given Azurite's
// address as endpoint (http, loopback), which jobc must follow path-style, as it would a
// sovereign cloud's or a private endpoint's.
class RecordingTransport : public HttpTransport {
 public:
  explicit RecordingTransport(std::string azurite_url)
      : azurite_host_(azurite_url.substr(azurite_url.find("://") + 3)),
        inner_(jobc::make_curl_transport()) {}

  HttpResult perform(const HttpRequest& request) override {
    HttpResult response = inner_->perform(request);
    std::string path = request.url.substr(0, request.url.find('?'));
    if (request.method == "GET" && response && response->ok() &&
        path.find("/datastores/") != std::string::npos) {
      json datastore = json::parse(response->body, nullptr, false);
      if (datastore.is_object() && datastore.contains("properties")) {
        datastore["properties"]["endpoint"] = azurite_host_;
        datastore["properties"]["protocol"] = "http";
        if (!credentials_type.empty()) {
          datastore["properties"]["credentials"]["credentialsType"] = credentials_type;
        }
        response->body = datastore.dump();
      }
    }
    std::lock_guard lock(mutex_);
    urls_.push_back(request.method + " " + path);
    if (response && path.find("/azureml/ExperimentRun/") != std::string::npos) {
      log_bytes_ += response->body.size();
    }
    return response;
  }
  // When set, the datastores' credentialsType instead of the fake's AccountKey.
  std::string credentials_type;

  uint64_t log_bytes() {
    std::lock_guard lock(mutex_);
    return log_bytes_;
  }
  std::vector<std::string> urls() {
    std::lock_guard lock(mutex_);
    return urls_;
  }

 private:
  std::string azurite_host_;
  std::shared_ptr<HttpTransport> inner_;
  std::mutex mutex_;
  std::vector<std::string> urls_;
  uint64_t log_bytes_ = 0;
};

// The fake's client-credentials token (Entra ID's v2.0 token endpoint), fetched once.
class FakeCredential : public jobc::azureml::TokenCredential {
 public:
  explicit FakeCredential(const AzureServices& services) : services_(services) {}
  jobc::Result<std::string> token(const std::string& scope) override {
    if (!token_.empty()) return token_;
    HttpRequest request;
    request.method = "POST";
    request.url = services_.fake_url() + "/" + services_.tenant() + "/oauth2/v2.0/token";
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    request.body =
        "grant_type=client_credentials&client_id=" + jobc::url_encode(services_.client_id()) +
        "&client_secret=" + jobc::url_encode(services_.secrets().value("client_secret", "")) +
        "&scope=" + jobc::url_encode(scope);
    auto reply = jobc::make_curl_transport()->perform(request);
    auto body = reply ? json::parse(reply->body, nullptr, false) : json();
    if (!reply || !reply->ok() || !body.is_object() || !body.contains("access_token")) {
      return jobc::fail("the fake issued no token");
    }
    token_ = body["access_token"].get<std::string>();
    return token_;
  }
  std::string kind() const override { return "test client secret"; }

 private:
  const AzureServices& services_;
  std::string token_;
};

std::string workspace_path(const AzureServices& services) {
  return "/subscriptions/" + services.subscription() + "/resourceGroups/" +
         services.resource_group() + "/providers/Microsoft.MachineLearningServices/workspaces/" +
         services.workspace();
}

struct Harness {
  const AzureServices& services;
  std::shared_ptr<RecordingTransport> transport;
  ArmClient arm;

  explicit Harness(const AzureServices& s)
      : services(s),
        transport(std::make_shared<RecordingTransport>(s.azurite_url())),
        arm(transport, std::make_shared<FakeCredential>(s), s.fake_url()) {
    arm.set_sleep([](std::chrono::milliseconds) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    });
  }

  JobAddress address(const std::string& name) const { return {workspace_path(services), name}; }

  // As the SDK submits a command job (contract §1): the environment version, then the job.
  void create_job(const std::string& name, const json& extra = json::object()) {
    ArmCall environment;
    environment.method = "PUT";
    environment.path = workspace_path(services) + "/environments/watch-env/versions/1";
    environment.api_version = "2022-05-01";
    environment.body = json{{"properties",
                             {{"image", "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04"},
                              {"isAnonymous", false},
                              {"isArchived", false},
                              {"osType", "Linux"},
                              {"properties", json::object()},
                              {"tags", json::object()}}}};
    auto put_environment = arm.send(environment);
    REQUIRE_MESSAGE(put_environment.ok(), error_of(put_environment));
    json properties = {
        {"command", "python train.py"},
        {"computeId", workspace_path(services) + "/computes/cpu-cluster"},
        {"displayName", name},
        {"environmentId", workspace_path(services) + "/environments/watch-env/versions/1"},
        {"environmentVariables", json::object()},
        {"experimentName", "watch"},
        {"inputs", json::object()},
        {"isArchived", false},
        {"jobType", "Command"},
        {"outputs", json::object()},
        {"properties", json::object()},
        {"tags", json::object()}};
    properties.update(extra);
    ArmCall job;
    job.method = "PUT";
    job.path = workspace_path(services) + "/jobs/" + name;
    job.api_version = "2022-10-01-preview";
    job.body = json{{"properties", properties}};
    auto put_job = arm.send(job);
    REQUIRE_MESSAGE(put_job.ok(), error_of(put_job));
  }
};

// A fresh workspace with `faults`, and job `name` created (with `extra` properties) and
// watched.
struct WatchedJob {
  Harness harness;
  JobWatch watch;
  std::ostringstream log;
  WatchedJob(const AzureServices& services, const json& faults, const std::string& name,
             const json& extra = json::object())
      : harness((services.reset(), services.set_faults(faults), services)),
        watch(harness.arm, harness.transport, harness.address(name)) {
    harness.create_job(name, extra);
  }
};

// Looks at the job every 50 ms until `done` says so (or 60 s pass); the statuses seen, in
// order, without repeats.
std::vector<std::string> look_until(JobWatch& watch, std::ostream& log,
                                    const std::function<bool(const JobDetails&)>& done,
                                    JobDetails* last = nullptr) {
  std::vector<std::string> statuses;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    auto details = watch.look(log);
    REQUIRE_MESSAGE(details.ok(), error_of(details));
    if (statuses.empty() || statuses.back() != details->status) {
      statuses.push_back(details->status);
    }
    if (last) *last = *details;
    if (done(*details)) return statuses;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL("the job did not get there in 60 s; statuses seen: " << statuses.size());
  return statuses;
}

bool ended(const JobDetails& details) {
  return std::holds_alternative<JobExit>(jobc::azureml::job_state(details));
}

// The whole blob, as the artifact store holds it now, through its SAS URL.
std::string whole_log(const JobDetails& details, const std::string& name) {
  auto url = details.raw["logFiles"].value(name, "");
  REQUIRE_FALSE(url.empty());
  auto transport = jobc::make_curl_transport();
  auto read = jobc::azureml::read_sas_url_from(*transport, url, 0);
  REQUIRE(read.ok());
  return read->data;
}

std::string header(const std::string& name) {
  return "\nStreaming " + name + "\n" + std::string(name.size() + 10, '=') + "\n\n";
}

std::string file_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string model_bytes() {
  std::string bytes;
  for (int copy = 0; copy < 4; ++copy) {
    for (int b = 0; b < 256; ++b) bytes.push_back(static_cast<char>(b));
  }
  return bytes;
}

// No secret of the test services in `text`: the storage key, the fake's client secret and
// identity headers, a SAS signature.
void check_no_secrets(const AzureServices& services, const std::string& text) {
  std::vector<std::string> secrets = {services.storage_key(), "sig="};
  const json fake_secrets = services.secrets();
  REQUIRE(fake_secrets.is_object());
  for (const auto& value : fake_secrets) {
    if (value.is_string()) secrets.push_back(value.get<std::string>());
  }
  for (const auto& secret : secrets) {
    REQUIRE_FALSE(secret.empty());
    CHECK(text.find(secret) == std::string::npos);
  }
}

void check_no_secrets_in_files(const AzureServices& services, const fs::path& folder) {
  for (const auto& entry : fs::recursive_directory_iterator(folder)) {
    if (entry.is_regular_file()) check_no_secrets(services, file_text(entry.path()));
  }
}

// Writes blob `name` into the artifact container, as anyone with the storage key can.
void upload_artifact(const AzureServices& services, const std::string& name) {
  std::string script =
      "import sys; sys.path.insert(0, sys.argv[1]); from storage import BlobStore; "
      "key = open(sys.argv[4]).read().strip(); "
      "BlobStore(sys.argv[2], sys.argv[3], key).put_blob('azureml', sys.argv[5], b'hostile\\n', "
      "'text/plain')";
  auto fake_dir = fs::path(JOBC_SOURCE_DIR) / "tests" / "infra" / "azureml_fake";
  auto done = jobc::testing::run_command(
      "/usr/bin/python3 -c " + jobc::testing::shell_quote(script) + " " +
      jobc::testing::shell_quote(fake_dir.string()) + " " +
      jobc::testing::shell_quote(services.azurite_url()) + " " +
      jobc::testing::shell_quote(services.storage_account()) + " " +
      jobc::testing::shell_quote(services.value("JOBC_TEST_AZURE_STORAGE_KEY_FILE")) + " " +
      jobc::testing::shell_quote(name));
  REQUIRE_MESSAGE(done.status == 0, done.err);
}

}  // namespace

TEST_SUITE("azureml_service") {
  TEST_CASE("a job's statuses progress to Completed and its log is printed once, whole, in order") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    WatchedJob job(*services, {{"step_seconds", 0.3}}, "watch-stream");
    auto& harness = job.harness;
    auto& watch = job.watch;
    auto& log = job.log;
    JobDetails last;
    auto statuses = look_until(watch, log, ended, &last);

    CHECK(statuses.back() == "Completed");
    CHECK(std::find(statuses.begin(), statuses.end(), "Queued") != statuses.end());
    CHECK(std::find(statuses.begin(), statuses.end(), "Running") != statuses.end());
    // Never back to an earlier phase.
    std::vector<std::string> order = {"NotStarted", "Queued",     "Preparing",
                                      "Running",    "Finalizing", "Completed"};
    for (size_t i = 1; i < statuses.size(); ++i) {
      auto before = std::find(order.begin(), order.end(), statuses[i - 1]);
      auto after = std::find(order.begin(), order.end(), statuses[i]);
      CHECK(before < after);
    }
    auto state = jobc::azureml::job_state(last);
    REQUIRE(std::holds_alternative<JobExit>(state));
    CHECK(std::get<JobExit>(state).code == 0);

    std::string content = whole_log(last, "user_logs/std_log.txt");
    CHECK(content.find("step 6/6") != std::string::npos);
    CHECK(log.str() == header("user_logs/std_log.txt") + content);
    // Range reads from the last offset: about the log's size, not once per look.
    CHECK(harness.transport->log_bytes() <= content.size() * 11 / 10);
    CHECK(watch.offsets() == json{{"user_logs/std_log.txt", content.size()}});
    check_no_secrets(*services, log.str() + watch.offsets().dump());
  }

  TEST_CASE("a watch restored from saved offsets prints only what came after them") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    WatchedJob job(*services, {{"step_seconds", 0.2}}, "watch-resume");
    auto& harness = job.harness;
    JobWatch& first = job.watch;
    std::ostringstream before;
    look_until(first, before, [](const JobDetails& details) {
      return details.status == "Running" && details.raw["logFiles"].size() > 0;
    });
    // Let the first look have read something.
    look_until(first, before, [&](const JobDetails&) { return !first.offsets().empty(); });
    JobWatch second(harness.arm, harness.transport, harness.address("watch-resume"));
    second.restore_offsets(first.offsets());
    std::ostringstream after;
    JobDetails last;
    look_until(second, after, ended, &last);
    CHECK(before.str() + after.str() ==
          header("user_logs/std_log.txt") + whole_log(last, "user_logs/std_log.txt"));
  }

  TEST_CASE("a distributed job streams rank 0's log only") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    WatchedJob job(
        *services, {{"step_seconds", 0.2}}, "watch-mpi",
        {{"resources", {{"instanceCount", 2}}},
         {"distribution", {{"distributionType", "Mpi"}, {"processCountPerInstance", 2}}}});
    auto& harness = job.harness;
    auto& watch = job.watch;
    auto& log = job.log;
    JobDetails last;
    look_until(watch, log, ended, &last);
    CHECK(last.raw["logFiles"].size() == 4);
    CHECK(log.str() == header("user_logs/std_log_process_0.txt") +
                           whole_log(last, "user_logs/std_log_process_0.txt"));
    for (const auto& url : harness.transport->urls()) {
      CHECK(url.find("std_log_process_1") == std::string::npos);
      CHECK(url.find("std_log_process_3") == std::string::npos);
    }
  }

  TEST_CASE("a failed job exits 1 with run history's error as the reason") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    WatchedJob job(*services, {{"step_seconds", 0.2}, {"fail_jobs", "^watch-fail"}}, "watch-fail");
    auto& watch = job.watch;
    auto& log = job.log;
    JobDetails last;
    look_until(watch, log, ended, &last);
    CHECK(last.status == "Failed");
    auto state = jobc::azureml::job_state(last);
    REQUIRE(std::holds_alternative<JobExit>(state));
    const auto& exit = std::get<JobExit>(state);
    CHECK(exit.code == 1);
    CHECK(exit.reason.rfind("(UserError) Execution failed.", 0) == 0);
    CHECK(exit.reason.find("fake failure") != std::string::npos);
    CHECK(log.str().find("RuntimeError: fake failure") != std::string::npos);
  }

  TEST_CASE("a job stuck in the queue stays Queued with its status as the reason") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    WatchedJob job(*services, {{"step_seconds", 0.1}, {"stuck_jobs", "^watch-stuck"}},
                   "watch-stuck");
    auto& watch = job.watch;
    auto& log = job.log;
    look_until(watch, log, [](const JobDetails& details) { return details.status == "Queued"; });
    std::this_thread::sleep_for(std::chrono::milliseconds(600));  // six steps
    auto details = watch.look(log);
    REQUIRE(details.ok());
    auto state = jobc::azureml::job_state(*details);
    REQUIRE(std::holds_alternative<JobPhase>(state));
    CHECK(std::get<JobPhase>(state) == JobPhase{RunStatus::Queued, "Azure ML job is Queued", 0});
    CHECK(log.str().empty());
  }

  TEST_CASE("server errors on the run details are retried") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    WatchedJob job(*services, {{"server_error", {{{"match", "^GET .*/details$"}, {"times", 2}}}}},
                   "watch-retry");
    auto& watch = job.watch;
    auto& log = job.log;
    auto details = watch.look(log);
    REQUIRE_MESSAGE(details.ok(), error_of(details));
    std::vector<long> statuses;
    for (const auto& request : services->requests()) {
      std::string path = request.value("path", "");
      if (path.size() > 8 && path.compare(path.size() - 8, 8, "/details") == 0) {
        statuses.push_back(request.value("status", 0L));
      }
    }
    CHECK(statuses == std::vector<long>{500, 500, 200});
  }

  TEST_CASE("a canceled job goes through its cancel operation to Canceled") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    WatchedJob job(*services, {{"step_seconds", 0.3}}, "watch-cancel");
    auto& harness = job.harness;
    auto& watch = job.watch;
    auto& log = job.log;
    look_until(watch, log, [](const JobDetails& details) { return details.status == "Running"; });
    std::vector<std::string> progress;
    auto canceled =
        jobc::azureml::cancel_job(harness.arm, harness.address("watch-cancel"),
                                  [&](std::string_view status) { progress.emplace_back(status); });
    REQUIRE_MESSAGE(canceled.ok(), error_of(canceled));
    JobDetails last;
    auto statuses = look_until(watch, log, ended, &last);
    CHECK(statuses.back() == "Canceled");
    auto state = jobc::azureml::job_state(last);
    REQUIRE(std::holds_alternative<JobExit>(state));
    CHECK(std::get<JobExit>(state).canceled);
    bool posted = false, polled = false;
    for (const auto& request : services->requests()) {
      std::string call = request.value("method", "") + " " + request.value("path", "");
      posted = posted || (call.find("POST ") == 0 &&
                          call.find("/jobs/watch-cancel/cancel") != std::string::npos);
      polled = polled || call.find("/mfeOperationResults/") != std::string::npos;
    }
    CHECK(posted);
    CHECK(polled);
  }

  TEST_CASE("an ended job's outputs, logs and named outputs come back with identical content") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    WatchedJob job(
        *services, {{"step_seconds", 0.2}}, "watch-files",
        {{"outputs",
          {{"model_out", {{"jobOutputType", "uri_folder"}, {"mode", "ReadWriteMount"}}}}}});
    auto& harness = job.harness;
    auto& watch = job.watch;
    auto& log = job.log;
    // Its artifacts share the prefix "ExperimentRun/dcid.watch-files" (no trailing '/'):
    // they must not come with watch-files'.
    harness.create_job("watch-files2");
    JobWatch other(harness.arm, harness.transport, harness.address("watch-files2"));
    JobDetails last;
    look_until(watch, log, ended, &last);
    look_until(other, log, ended);
    jobc::testing::TempDir dir;
    auto downloaded = jobc::azureml::download_job_files(harness.arm, harness.transport,
                                                        harness.address("watch-files"), dir.path);
    REQUIRE_MESSAGE(downloaded.ok(), error_of(downloaded));
    CHECK(file_text(dir.path / "outputs/result.txt") == "fake output of job watch-files\n");
    CHECK(file_text(dir.path / "outputs/model/model.bin") == model_bytes());
    CHECK(file_text(dir.path / "logs/fake/driver.log") == "job watch-files: 6 steps\n");
    CHECK(file_text(dir.path / "user_logs/std_log.txt") ==
          whole_log(last, "user_logs/std_log.txt"));
    CHECK(file_text(dir.path / "named-outputs/model_out/output.txt") ==
          "named output model_out of job watch-files\n");
    CHECK_FALSE(fs::exists(dir.path / "2"));
    check_no_secrets_in_files(*services, dir.path);
  }

  TEST_CASE("blob names that would leave the destination are refused and nothing lands outside") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    WatchedJob job(*services, {{"step_seconds", 0.1}}, "watch-hostile");
    auto& harness = job.harness;
    auto& watch = job.watch;
    auto& log = job.log;
    look_until(watch, log, ended);
    upload_artifact(*services, "ExperimentRun/dcid.watch-hostile/../escape.txt");
    upload_artifact(*services, "ExperimentRun/dcid.watch-hostile/outputs/../../escape2.txt");
    upload_artifact(*services, "ExperimentRun/dcid.watch-hostile//tmp/escape3.txt");
    jobc::testing::TempDir dir;
    fs::path destination = dir.path / "run" / "files";
    auto downloaded = jobc::azureml::download_job_files(
        harness.arm, harness.transport, harness.address("watch-hostile"), destination);
    REQUIRE_FALSE(downloaded.ok());
    CHECK(downloaded.error().message.find("3 file(s) not downloaded") != std::string::npos);
    CHECK(downloaded.error().message.find("../escape.txt") != std::string::npos);
    check_no_secrets(*services, downloaded.error().message);
    // The job's own files still came.
    CHECK(file_text(destination / "outputs/result.txt") == "fake output of job watch-hostile\n");
    // Nothing anywhere but under destination.
    for (const auto& entry : fs::recursive_directory_iterator(dir.path)) {
      auto relative = entry.path().lexically_relative(destination).string();
      CHECK_MESSAGE((entry.path() == dir.path / "run" || relative.rfind("..", 0) != 0),
                    entry.path().string());
      CHECK(entry.path().filename().string().find("escape") == std::string::npos);
    }
    CHECK_FALSE(fs::exists("/tmp/escape3.txt"));
  }

  TEST_CASE("a datastore without an account key is refused, saying what it has") {
    auto services = jobc::testing::azure_services();
    if (!services) return;
    services->reset();
    Harness harness(*services);
    auto opened = jobc::azureml::open_datastore(harness.arm, workspace_path(*services),
                                                "workspaceartifactstore");
    REQUIRE_MESSAGE(opened.ok(), error_of(opened));
    CHECK(opened->container == "azureml");
    CHECK(opened->account.service_url ==
          services->azurite_url() + "/" + services->storage_account());
    CHECK(opened->account.key == services->storage_key());

    harness.transport->credentials_type = "None";
    auto identity =
        jobc::azureml::open_datastore(harness.arm, workspace_path(*services), "workspaceblobstore");
    REQUIRE_FALSE(identity.ok());
    CHECK(identity.error().message.find("keeps no credentials") != std::string::npos);
    harness.transport->credentials_type = "Sas";
    auto sas =
        jobc::azureml::open_datastore(harness.arm, workspace_path(*services), "workspaceblobstore");
    REQUIRE_FALSE(sas.ok());
    CHECK(sas.error().message.find("credentials of type Sas") != std::string::npos);
    // listSecrets only for the datastore that has an account key.
    int listed = 0;
    for (const auto& request : services->requests()) {
      listed += request.value("path", "").find("/listSecrets") != std::string::npos;
    }
    CHECK(listed == 1);
  }
}
