// Azure credentials as azure-identity's DefaultAzureCredential finds them, in its order and
// with its variable names: the environment (client secret, or workload identity's federated
// token file), managed identity (App Service's IDENTITY_ENDPOINT, Azure ML compute's
// MSI_ENDPOINT, then IMDS), then the Azure CLI. Tokens stay in memory and are fetched again
// 300 s before they expire (as azure-core's bearer policy does).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "jobc/result.h"
#include "support/http_client.h"

namespace jobc::azureml {

// Reads an environment variable; tests pass a map instead of the process's environment.
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvironmentLookup process_environment();

inline constexpr const char* kArmScope = "https://management.azure.com/.default";

class TokenCredential {
 public:
  virtual ~TokenCredential() = default;
  // A bearer token for `scope` ("https://management.azure.com/.default"): the one in memory
  // while it has more than 300 s left, else a new one. Thread-safe.
  virtual Result<std::string> token(const std::string& scope) = 0;
  // Which kind it is, for messages: "environment (client secret)", "Azure CLI"...
  virtual std::string kind() const = 0;
};

// The first credential of the chain that is configured. The error says what each one lacked
// and how to sign in (az login, or the AZURE_* variables).
Result<std::unique_ptr<TokenCredential>> default_credential(
    std::shared_ptr<HttpTransport> transport,
    EnvironmentLookup environment = process_environment());

// Every variable default_credential reads that holds or points to a secret: jobc withholds
// them from jobs and hands them only to the run monitor.
std::vector<std::string> credential_variables();

}  // namespace jobc::azureml
