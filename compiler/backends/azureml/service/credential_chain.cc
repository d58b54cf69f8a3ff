// default_credential: azure-identity's DefaultAzureCredential order (environment, workload
// identity, managed identity, Azure CLI), chosen once by what is configured. SharedTokenCache
// and Azure PowerShell, which jobc cannot read, are left out; so are managed identity's rarer
// hosts (Azure Arc, Service Fabric, Cloud Shell).
#include <sstream>

#include "backends/azureml/service/azure_cli_credential.h"
#include "backends/azureml/service/captured_command.h"
#include "backends/azureml/service/client_secret_credential.h"
#include "backends/azureml/service/credential.h"
#include "backends/azureml/service/managed_identity_credential.h"

namespace jobc::azureml {
namespace {

// A variable's value, with set-but-empty counted as unset (as azure-identity does).
std::string setting(const EnvironmentLookup& environment, const std::string& name) {
  std::optional<std::string> value = environment(name);
  return value ? *value : "";
}

// The names in `names` that are not set, joined with ", ".
std::string missing(const EnvironmentLookup& environment,
                    std::initializer_list<const char*> names) {
  std::string text;
  for (const char* name : names) {
    if (setting(environment, name).empty()) text += (text.empty() ? "" : ", ") + std::string(name);
  }
  return text;
}

using Chosen = std::unique_ptr<TokenCredential>;

// Environment (client secret) or workload identity (federated token file). nullptr when
// neither is configured, with the reason in `why`; an error when one is, but wrongly.
Result<Chosen> environment_credential(const std::shared_ptr<HttpTransport>& transport,
                                      const EnvironmentLookup& environment, std::string& why) {
  ClientCredentialSettings settings;
  settings.tenant_id = setting(environment, "AZURE_TENANT_ID");
  settings.client_id = setting(environment, "AZURE_CLIENT_ID");
  settings.client_secret = setting(environment, "AZURE_CLIENT_SECRET");
  if (settings.client_secret.empty()) {
    settings.federated_token_file = setting(environment, "AZURE_FEDERATED_TOKEN_FILE");
  }
  if (settings.tenant_id.empty() || settings.client_id.empty() ||
      (settings.client_secret.empty() && settings.federated_token_file.empty())) {
    std::string lacking =
        missing(environment, {"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"});
    why = "environment: " + lacking + " not set (nor AZURE_FEDERATED_TOKEN_FILE)";
    return Chosen();
  }
  if (!valid_tenant_id(settings.tenant_id)) {
    return fail("AZURE_TENANT_ID is not a tenant id (letters, digits, '-' and '.' only)");
  }
  std::string host = setting(environment, "AZURE_AUTHORITY_HOST");
  Result<std::string> authority = authority_host_url(host.empty() ? kDefaultAuthorityHost : host);
  if (!authority) return authority.error();
  settings.authority_host = *authority;
  return Chosen(std::make_unique<ClientSecretCredential>(transport, std::move(settings)));
}

Chosen managed_identity(const std::shared_ptr<HttpTransport>& transport,
                        const EnvironmentLookup& environment, std::string& why) {
  ManagedIdentitySettings settings;
  settings.client_id = setting(environment, "AZURE_CLIENT_ID");  // a user-assigned identity
  if (std::string endpoint = setting(environment, "IDENTITY_ENDPOINT"),
      header = setting(environment, "IDENTITY_HEADER");
      !endpoint.empty() && !header.empty()) {
    settings.source = ManagedIdentitySource::AppService;
    settings.endpoint = endpoint;
    settings.secret = header;
  } else if (std::string msi = setting(environment, "MSI_ENDPOINT"),
             secret = setting(environment, "MSI_SECRET");
             !msi.empty() && !secret.empty()) {
    settings.source = ManagedIdentitySource::AzureMlCompute;
    settings.endpoint = msi;
    settings.secret = secret;
  } else {
    std::string host = setting(environment, "AZURE_POD_IDENTITY_AUTHORITY_HOST");
    host = host.empty() ? kImdsHost : host;
    while (host.ends_with('/')) host.pop_back();
    if (!imds_answers(*transport, host)) {
      why =
          "managed identity: IDENTITY_ENDPOINT and MSI_ENDPOINT not set, and no instance "
          "metadata service answered at " +
          host;
      return nullptr;
    }
    settings.source = ManagedIdentitySource::Imds;
    settings.endpoint = host;
  }
  return std::make_unique<ManagedIdentityCredential>(transport, std::move(settings));
}

Chosen azure_cli(const EnvironmentLookup& environment, std::string& why) {
  std::optional<std::string> az = find_on_path("az", setting(environment, "PATH"));
  if (!az) {
    why = "Azure CLI: az is not on PATH";
    return nullptr;
  }
  AzureCliSettings settings;
  settings.az_path = *az;
  settings.tenant_id = setting(environment, "AZURE_TENANT_ID");
  return std::make_unique<AzureCliCredential>(std::move(settings));
}

}  // namespace

Result<std::unique_ptr<TokenCredential>> default_credential(
    std::shared_ptr<HttpTransport> transport, EnvironmentLookup environment) {
  std::string no_environment, no_identity, no_cli;
  Result<Chosen> from_environment = environment_credential(transport, environment, no_environment);
  if (!from_environment) return from_environment.error();
  if (*from_environment) return std::move(*from_environment);
  if (Chosen identity = managed_identity(transport, environment, no_identity)) return identity;
  if (Chosen cli = azure_cli(environment, no_cli)) return cli;
  return fail("no Azure credentials: " + no_environment + "; " + no_identity + "; " + no_cli +
              "; sign in with az login, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and "
              "AZURE_CLIENT_SECRET for a service principal");
}

std::vector<std::string> credential_variables() {
  return {"AZURE_CLIENT_SECRET", "AZURE_FEDERATED_TOKEN_FILE", "IDENTITY_HEADER", "MSI_SECRET"};
}

}  // namespace jobc::azureml
