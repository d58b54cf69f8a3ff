#include "backends/azureml/service/token_cache.h"

#include <chrono>

namespace jobc::azureml {

int64_t epoch_seconds_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<std::string> CachedCredential::token(const std::string& scope) {
  std::lock_guard lock(mutex_);
  auto cached = tokens_.find(scope);
  if (cached != tokens_.end() &&
      cached->second.expires_on - epoch_seconds_now() > kTokenRefreshMarginSeconds) {
    return cached->second.value;
  }
  Result<AccessToken> fetched = fetch(scope);
  if (!fetched) return fetched.error();
  tokens_[scope] = *fetched;
  return fetched->value;
}

}  // namespace jobc::azureml
