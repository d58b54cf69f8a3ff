// Test helper: jobc pointed at the Azure test services (Azurite and the fake of Azure ML):
// the ARM endpoint and authority are the fake, the service principal is the one the fake
// accepts. The client secret goes into this process's environment, never a command line.
#pragma once

#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>

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
  // Every secret the services hold: none may appear in what jobc writes or prints.
  std::vector<std::string> secrets() const {
    std::vector<std::string> out = {services_.storage_key()};
    for (const auto& [name, value] : services_.secrets().items())
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
