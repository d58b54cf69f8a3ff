// The part every credential shares: tokens kept in memory per scope and fetched again when
// less than 300 s of their life is left, as azure-core's bearer policy does.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "backends/azureml/service/credential.h"

namespace jobc::azureml {

struct AccessToken {
  std::string value;
  int64_t expires_on = 0;  // seconds since the epoch
};

inline constexpr int64_t kTokenRefreshMarginSeconds = 300;

// A TokenCredential whose token() answers from memory, or calls fetch() under a lock (one
// fetch at a time, so threads asking together share the new token).
class CachedCredential : public TokenCredential {
 public:
  Result<std::string> token(const std::string& scope) final;

 protected:
  virtual Result<AccessToken> fetch(const std::string& scope) = 0;

 private:
  std::mutex mutex_;
  std::map<std::string, AccessToken> tokens_;
};

// Seconds since the epoch, now.
int64_t epoch_seconds_now();

}  // namespace jobc::azureml
