// The Azure CLI's token, as azure-identity's AzureCliCredential gets it: `az account
// get-access-token --output json --resource R [--tenant T]`, run without a shell (nothing of
// it is a secret, and a shell would add quoting risks), within 10 s.
#pragma once

#include <chrono>
#include <string>

#include "backends/azureml/service/token_cache.h"

namespace jobc::azureml {

struct AzureCliSettings {
  std::string az_path;    // the az program found on PATH
  std::string tenant_id;  // AZURE_TENANT_ID, passed as --tenant when set
  std::chrono::milliseconds timeout{10'000};
};

class AzureCliCredential : public CachedCredential {
 public:
  explicit AzureCliCredential(AzureCliSettings settings);
  std::string kind() const override { return "Azure CLI"; }

 protected:
  Result<AccessToken> fetch(const std::string& scope) override;

 private:
  AzureCliSettings settings_;
};

// The token in `az account get-access-token --output json`'s reply: accessToken, expiring at
// expires_on (epoch seconds, newer az) or else expiresOn (a local time, "2023-05-01
// 12:00:00.000000").
Result<AccessToken> parse_az_token(const std::string& json);

}  // namespace jobc::azureml
