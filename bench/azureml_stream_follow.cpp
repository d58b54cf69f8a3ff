// jobc's side of the streaming benchmark (azureml_stream_bench.py starts it): follows job NAME on
// the fake of tests/infra/azurite_up.sh with JobWatch, as `jobc submit` does (a look every 2 s
// while the job runs, backing off only while it is queued; logs read with Range from the last
// offset), until the job ends; then prints
// one JSON line: the log bytes downloaded, all bytes, requests, and per log line starting with
// "t=EPOCH " the delay from that time to when jobc had the line.
// Usage: azureml_stream_follow ENV_FILE JOB_NAME
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "backends/azureml/service/credential.h"
#include "backends/azureml/service/job_watch.h"
#include "support/http_client.h"

namespace {

using jobc::HttpRequest;
using jobc::HttpResult;
using nlohmann::json;

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Counts the bytes of every reply, and separately of those from the job's log blobs.
class CountingTransport : public jobc::HttpTransport {
 public:
  HttpResult perform(const HttpRequest& request) override {
    HttpResult response = inner_->perform(request);
    ++requests;
    size_t bytes = response ? response->body.size() : 0;
    all_bytes += bytes;
    if (request.url.find("/azureml/ExperimentRun/") != std::string::npos) {
      ++log_requests;
      log_bytes += bytes;
    }
    return response;
  }
  std::atomic<uint64_t> requests{0}, log_requests{0}, all_bytes{0}, log_bytes{0};

 private:
  std::shared_ptr<jobc::HttpTransport> inner_ = jobc::make_keep_alive_curl_transport();
};

// The fake's client-credentials token (contract §4), fetched once; the secret stays in memory.
class FakeCredential : public jobc::azureml::TokenCredential {
 public:
  FakeCredential(std::map<std::string, std::string> env) : env_(std::move(env)) {}
  jobc::Result<std::string> token(const std::string& scope) override {
    std::lock_guard lock(mutex_);
    if (!token_.empty()) return token_;
    json secrets =
        json::parse(std::ifstream(env_["JOBC_TEST_AZUREML_FAKE_SECRETS_FILE"]), nullptr, false);
    if (!secrets.is_object()) return jobc::fail("cannot read the fake's secrets file");
    HttpRequest request;
    request.method = "POST";
    request.url = env_["JOBC_TEST_AZUREML_FAKE_URL"] + "/" + env_["JOBC_TEST_AZURE_TENANT"] +
                  "/oauth2/v2.0/token";
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    request.body = "grant_type=client_credentials&client_id=" + env_["JOBC_TEST_AZURE_CLIENT_ID"] +
                   "&client_secret=" + secrets.value("client_secret", "") + "&scope=" +
                   (scope == "https://management.azure.com/.default"
                        ? "https%3A%2F%2Fmanagement.azure.com%2F.default"
                        : scope);
    auto reply = jobc::make_curl_transport()->perform(request);
    json body = reply ? json::parse(reply->body, nullptr, false) : json();
    if (!reply || !reply->ok() || !body.is_object() || !body.contains("access_token"))
      return jobc::fail("the fake issued no token");
    token_ = body["access_token"].get<std::string>();
    return token_;
  }
  std::string kind() const override { return "benchmark client secret"; }

 private:
  std::map<std::string, std::string> env_;
  std::mutex mutex_;
  std::string token_;
};

std::map<std::string, std::string> read_env_file(const std::string& file) {
  std::map<std::string, std::string> values;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    auto eq = line.find('=');
    if (!line.empty() && line[0] != '#' && eq != std::string::npos)
      values[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return values;
}

bool terminal(const std::string& status) {
  return status == "Completed" || status == "Failed" || status == "Canceled" ||
         status == "NotResponding" || status == "Paused";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: azureml_stream_follow ENV_FILE JOB_NAME\n");
    return 2;
  }
  auto env = read_env_file(argv[1]);
  auto transport = std::make_shared<CountingTransport>();
  jobc::azureml::ArmClient arm(transport, std::make_shared<FakeCredential>(env),
                               env["JOBC_TEST_AZUREML_FAKE_URL"]);
  std::string workspace = "/subscriptions/" + env["JOBC_TEST_AZURE_SUBSCRIPTION"] +
                          "/resourceGroups/" + env["JOBC_TEST_AZURE_RESOURCE_GROUP"] +
                          "/providers/Microsoft.MachineLearningServices/workspaces/" +
                          env["JOBC_TEST_AZURE_WORKSPACE"];
  jobc::azureml::JobWatch watch(arm, transport, {workspace, argv[2]});

  std::vector<double> delays;
  uint64_t text_bytes = 0, lines = 0;
  std::string partial;
  auto queued_since = std::chrono::steady_clock::now();
  bool queued = false;
  std::string status;
  for (int looks = 0; looks < 2000; ++looks) {  // bounded: ~2 s each, the job ends in minutes
    std::ostringstream text;
    auto details = watch.look(text);
    double arrived = now_seconds();
    if (!details) {
      std::fprintf(stderr, "azureml_stream_follow: %s\n", details.error().message.c_str());
      return 1;
    }
    status = details->status;
    std::string got = text.str();
    text_bytes += got.size();
    partial += got;
    size_t start = 0;
    for (size_t end; (end = partial.find('\n', start)) != std::string::npos; start = end + 1) {
      ++lines;
      if (partial.compare(start, 2, "t=") == 0)
        delays.push_back(arrived - std::strtod(partial.c_str() + start + 2, nullptr));
    }
    partial.erase(0, start);
    if (terminal(status)) break;
    // As the Azure ML backend looks: every 2 s while the job runs, backing off (the SDK's
    // look_interval) only while it is queued.
    auto now = std::chrono::steady_clock::now();
    auto state = jobc::azureml::job_state(*details);
    auto* phase = std::get_if<jobc::JobPhase>(&state);
    if (phase && phase->status == jobc::RunStatus::Queued) {
      if (!queued) queued_since = now;
      queued = true;
      std::this_thread::sleep_for(jobc::azureml::look_interval(
          std::chrono::duration_cast<std::chrono::milliseconds>(now - queued_since)));
    } else {
      queued = false;
      std::this_thread::sleep_for(std::chrono::seconds(2));
    }
  }
  json out = {{"status", status},
              {"requests", transport->requests.load()},
              {"log_requests", transport->log_requests.load()},
              {"all_bytes", transport->all_bytes.load()},
              {"log_bytes", transport->log_bytes.load()},
              {"text_bytes", text_bytes},
              {"lines", lines},
              {"delays", delays}};
  std::puts(out.dump().c_str());
  return 0;
}
