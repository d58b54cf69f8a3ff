// Test helpers for the Azure ML service layer: an environment given as a map, the variables
// that sign in to the fake, and an ArmClient whose waits are recorded instead of slept.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "backends/azureml/service/arm_client.h"
#include "backends/azureml/service/credential.h"
#include "common/azure_services.h"

namespace jobc::testing {

using Variables = std::map<std::string, std::string>;

inline azureml::EnvironmentLookup lookup(Variables variables) {
  return [variables = std::move(variables)](const std::string& name) -> std::optional<std::string> {
    auto found = variables.find(name);
    if (found == variables.end()) return std::nullopt;
    return found->second;
  };
}

// A service principal with the client secret the fake accepts, its authority the fake. No
// PATH and an IMDS host nobody listens on, so nothing else of the chain can answer.
inline Variables client_secret_variables(const AzureServices& services) {
  return {{"AZURE_TENANT_ID", services.tenant()},
          {"AZURE_CLIENT_ID", services.client_id()},
          {"AZURE_CLIENT_SECRET", services.secrets()["client_secret"].get<std::string>()},
          {"AZURE_AUTHORITY_HOST", services.fake_url()},
          {"AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://127.0.0.1:1"}};
}

inline std::string workspace_path(const AzureServices& services) {
  return "/subscriptions/" + services.subscription() + "/resourceGroups/" +
         services.resource_group() + "/providers/Microsoft.MachineLearningServices/workspaces/" +
         services.workspace();
}

// Waits the client asked for, in order; `really` also sleeps them (for operations that take
// time on the fake's clock).
struct SleepRecorder {
  std::mutex mutex;
  std::vector<std::chrono::milliseconds> waits;
  void install(azureml::ArmClient& client, bool really = false) {
    client.set_sleep([this, really](std::chrono::milliseconds wait) {
      {
        std::lock_guard lock(mutex);
        waits.push_back(wait);
      }
      if (really) std::this_thread::sleep_for(wait);
    });
  }
};

// An ArmClient on the fake, signed in with the client secret.
inline std::unique_ptr<azureml::ArmClient> fake_arm_client(const AzureServices& services) {
  auto transport = make_curl_transport();
  auto credential =
      azureml::default_credential(transport, lookup(client_secret_variables(services)));
  REQUIRE_MESSAGE(credential.ok(), credential.error().message);
  return std::make_unique<azureml::ArmClient>(
      transport, std::shared_ptr<azureml::TokenCredential>(std::move(*credential)),
      services.fake_url());
}

// The fake's record, only the requests whose path contains `part`.
inline std::vector<nlohmann::json> requests_to(const AzureServices& services,
                                               const std::string& part) {
  std::vector<nlohmann::json> found;
  for (const nlohmann::json& request : services.requests()) {
    if (request.value("path", "").find(part) != std::string::npos) found.push_back(request);
  }
  return found;
}

}  // namespace jobc::testing
