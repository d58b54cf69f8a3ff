// Test helper: jobc pointed at the Azure test services (Azurite and the fake of Azure ML):
// the ARM endpoint and authority are the fake, the service principal is the one the fake
// accepts. The client secret goes into this process's environment, never a command line.
#pragma once

#include <doctest/doctest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "backends/azureml/storage/blob_client.h"
#include "common/azure_services.h"
#include "common/jobc_sandbox.h"

namespace jobc::testing {

class AzureJobc {
 public:
  explicit AzureJobc(const AzureServices& services) : services_(services) {
    set("JOBC_ARM_ENDPOINT", services.fake_url());
    set("AZURE_AUTHORITY_HOST", services.fake_url());
    set("AZURE_TENANT_ID", services.tenant());
    set("AZURE_CLIENT_ID", services.client_id());
    set("AZURE_CLIENT_SECRET", services.secrets().value("client_secret", ""));
    for (const char* unused : {"AZURE_FEDERATED_TOKEN_FILE", "IDENTITY_ENDPOINT", "MSI_ENDPOINT"})
      set(unused, std::nullopt);
    services.reset();
    set_faults(nlohmann::json::object());
  }
  ~AzureJobc() {
    for (const auto& [name, value] : saved_) {
      if (value) {
        setenv(name.c_str(), value->c_str(), 1);
      } else {
        unsetenv(name.c_str());
      }
    }
  }
  AzureJobc(const AzureJobc&) = delete;
  AzureJobc& operator=(const AzureJobc&) = delete;

  // The fake's fault switches (README of tests/infra/azureml_fake/), with its datastores naming
  // Azurite, which the jobc binary must reach by itself.
  void set_faults(nlohmann::json faults) const {
    faults["azurite_datastores"] = true;
    services_.set_faults(faults);
  }
  // The workspace flags jobc submit and create take.
  std::string workspace_flags() const {
    return " --subscription " + services_.subscription() + " --resource-group " +
           services_.resource_group() + " --workspace-name " + services_.workspace() + " ";
  }
  // A copy of tests/azureml/specs/train (code, a local input, an image) in the sandbox.
  std::filesystem::path train_job(const JobcSandbox& sandbox, const std::string& extra = "") const {
    namespace fs = std::filesystem;
    fs::path dir = sandbox.dir.path / "train";
    fs::copy(fs::path(JOBC_SOURCE_DIR) / "tests/azureml/specs/train", dir,
             fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    if (!extra.empty()) std::ofstream(dir / "job.yml", std::ios::app) << extra;
    return dir / "job.yml";
  }
  // A copy of the project's examples/ in the sandbox (some examples name their neighbours'
  // files); the job spec examples/FOLDER/job.yml of the copy.
  std::filesystem::path example(const JobcSandbox& sandbox, const std::string& folder) const {
    namespace fs = std::filesystem;
    fs::path dir = sandbox.dir.path / "examples";
    if (!fs::exists(dir))
      fs::copy(fs::path(JOBC_SOURCE_DIR) / "examples", dir, fs::copy_options::recursive);
    return dir / folder / "job.yml";
  }
  // `jobc submit FLAGS JOB` on the fake's workspace, from the sandbox's JOBC_HOME.
  CommandResult submit(const JobcSandbox& sandbox, const std::filesystem::path& job,
                       const std::string& flags) const {
    return sandbox.jobc("submit " + flags + " " + shell_quote(job.string()) + workspace_flags());
  }
  // `jobc submit --stream JOB`, on the cluster the fake has unless `compute` names another.
  CommandResult submit_stream(const JobcSandbox& sandbox, const std::filesystem::path& job,
                              const std::string& compute = "azureml:cpu-cluster") const {
    return submit(sandbox, job, "--stream --compute " + shell_quote(compute));
  }
  // Polls run `id` until it ends (Completed, Failed or Canceled), for up to 30 s; the status
  // it has then.
  static std::string wait_for_end(const JobcSandbox& sandbox, const std::string& id) {
    std::string status;
    for (int i = 0; i < 300; ++i) {
      status = sandbox.run(id).value("status", "");
      if (status == "Completed" || status == "Failed" || status == "Canceled") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return status;
  }
  // The one run in the sandbox's store, as `runs show --output json` shows it.
  nlohmann::json only_run(const JobcSandbox& sandbox) const {
    auto runs = nlohmann::json::parse(sandbox.jobc("runs list --output json").out, nullptr, false);
    REQUIRE(runs.is_array());
    REQUIRE(runs.size() == 1);
    return sandbox.run(runs[0].value("id", ""));
  }
  // The fake's record of the requests whose "METHOD /path" matches `pattern`, whole.
  std::vector<nlohmann::json> recorded(const std::string& pattern) const {
    std::vector<nlohmann::json> out;
    std::regex wanted(pattern);
    for (const auto& request : services_.requests()) {
      std::string line = request.value("method", "") + " " + request.value("path", "");
      if (std::regex_search(line, wanted)) out.push_back(request);
    }
    return out;
  }
  // The workspace's default datastore in Azurite (the container jobc uploads to), read with
  // jobc's own blob client and the account key.
  azureml::BlobClient datastore_blobs() const {
    std::string url = services_.azurite_url();
    auto service = azureml::blob_service_url(services_.storage_account(),
                                             url.substr(url.find("://") + 3), "http");
    REQUIRE_MESSAGE(service, service.error().message);
    return azureml::BlobClient(make_curl_transport(),
                               {*service, services_.storage_account(), services_.storage_key()});
  }
  static constexpr const char* kDatastoreContainer =
      "azureml-blobstore-00000000-0000-0000-0000-000000000000";
  // Every secret the services hold: none may appear in what jobc writes or prints.
  std::vector<std::string> secrets() const {
    std::vector<std::string> out = {services_.storage_key()};
    const nlohmann::json all = services_.secrets();
    for (const nlohmann::json& value : all)
      if (value.is_string() && !value.get<std::string>().empty()) out.push_back(value);
    return out;
  }
  // The ARM requests the fake recorded, as "METHOD /path" (without the workspace's prefix).
  std::vector<std::string> arm_requests() const {
    std::vector<std::string> out;
    std::string workspace = "/workspaces/" + services_.workspace();
    for (const auto& request : services_.requests()) {
      std::string path = request.value("path", "");
      size_t at = path.find(workspace);
      if (at == std::string::npos) continue;
      out.push_back(request.value("method", "") + " " + path.substr(at + workspace.size()));
    }
    return out;
  }

 private:
  void set(const std::string& name, const std::optional<std::string>& value) {
    const char* old = std::getenv(name.c_str());
    if (!saved_.count(name)) saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
    if (value) {
      setenv(name.c_str(), value->c_str(), 1);
    } else {
      unsetenv(name.c_str());
    }
  }
  const AzureServices& services_;
  std::map<std::string, std::optional<std::string>> saved_;
};

}  // namespace jobc::testing
