// Managed identity tokens, from the first source azure-identity's ManagedIdentityCredential
// would use: App Service (IDENTITY_ENDPOINT + IDENTITY_HEADER), Azure ML compute
// (MSI_ENDPOINT + MSI_SECRET), else the instance metadata service (IMDS) of a VM, whose host
// AZURE_POD_IDENTITY_AUTHORITY_HOST replaces (as in azure-identity; tests point it at a fake).
#pragma once

#include <memory>
#include <string>

#include "backends/azureml/service/token_cache.h"
#include "support/http_client.h"

namespace jobc::azureml {

inline constexpr const char* kImdsHost = "http://169.254.169.254";

enum class ManagedIdentitySource { AppService, AzureMlCompute, Imds };

struct ManagedIdentitySettings {
  ManagedIdentitySource source = ManagedIdentitySource::Imds;
  std::string endpoint;   // IDENTITY_ENDPOINT, MSI_ENDPOINT, or the IMDS host
  std::string secret;     // IDENTITY_HEADER or MSI_SECRET (none for IMDS)
  std::string client_id;  // a user-assigned identity (AZURE_CLIENT_ID), or "" for the system's
};

class ManagedIdentityCredential : public CachedCredential {
 public:
  ManagedIdentityCredential(std::shared_ptr<HttpTransport> transport,
                            ManagedIdentitySettings settings);
  std::string kind() const override;

 protected:
  Result<AccessToken> fetch(const std::string& scope) override;

 private:
  HttpRequest token_request(const std::string& scope) const;

  std::shared_ptr<HttpTransport> transport_;
  ManagedIdentitySettings settings_;
};

// Whether an IMDS answers at `host` (any HTTP reply, even a refusal, to a request without the
// Metadata header), waiting at most 0.3 s to connect as azure-identity does.
bool imds_answers(HttpTransport& transport, const std::string& host);

}  // namespace jobc::azureml
