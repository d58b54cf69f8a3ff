// A service principal's token from Microsoft Entra ID's token endpoint, as azure-identity's
// EnvironmentCredential (a client secret) and WorkloadIdentityCredential (a federated token
// file, as Kubernetes workload identity mounts it) get it: one direct POST of the client
// credentials grant to {authority}/{tenant}/oauth2/v2.0/token.
#pragma once

#include <memory>
#include <string>

#include "backends/azureml/service/token_cache.h"
#include "support/http_client.h"

namespace jobc::azureml {

inline constexpr const char* kDefaultAuthorityHost = "https://login.microsoftonline.com";

struct ClientCredentialSettings {
  std::string authority_host = kDefaultAuthorityHost;  // AZURE_AUTHORITY_HOST
  std::string tenant_id;                               // AZURE_TENANT_ID
  std::string client_id;                               // AZURE_CLIENT_ID
  std::string client_secret;                           // AZURE_CLIENT_SECRET, or
  std::string federated_token_file;                    // AZURE_FEDERATED_TOKEN_FILE
};

class ClientSecretCredential : public CachedCredential {
 public:
  ClientSecretCredential(std::shared_ptr<HttpTransport> transport,
                         ClientCredentialSettings settings);
  std::string kind() const override;

 protected:
  Result<AccessToken> fetch(const std::string& scope) override;

 private:
  // The form's proof of identity: the secret, or the federated token read now (the file is
  // rotated while jobs run).
  Result<std::string> client_proof() const;

  std::shared_ptr<HttpTransport> transport_;
  ClientCredentialSettings settings_;
};

// The authority host as a URL without a trailing '/': https:// is added when no scheme is
// given, as azure-identity does; anything but https (or http to loopback) is refused.
Result<std::string> authority_host_url(std::string host);

// Whether a tenant id can be put in the token URL as it is (letters, digits, '-', '.').
bool valid_tenant_id(const std::string& tenant);

}  // namespace jobc::azureml
