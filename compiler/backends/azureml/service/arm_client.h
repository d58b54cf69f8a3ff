// Azure Resource Manager calls as azure-core sends them: a bearer token per request, retries
// of 408/429/5xx (POST only on 500/503/504) and of any status with Retry-After, waits as
// Retry-After / retry-after-ms / x-ms-retry-after-ms say or 0.8·2^(n−1) s capped at 120 s,
// and errors shown as "(code) message" with the request that failed. Also long-running
// operations (Azure-AsyncOperation, Location, provisioningState).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "backends/azureml/service/credential.h"
#include "jobc/result.h"
#include "support/http_client.h"

namespace jobc::azureml {

// The ARM endpoint: JOBC_ARM_ENDPOINT when set, else https://management.azure.com. Refuses
// anything but https, except http:// on a loopback address (tests, a local proxy).
Result<std::string> arm_endpoint(const EnvironmentLookup& environment = process_environment());

// Whether `url` may be used: https, or http to 127.0.0.0/8, ::1 or localhost.
Status check_url_transport(std::string_view url);

struct ArmReply {
  long status = 0;
  HttpHeaders headers;
  nlohmann::json body;  // null when the reply had no (JSON) body
  std::string header(std::string_view name) const;
};

struct ArmCall {
  std::string method = "GET";
  // "/subscriptions/..." (joined to the endpoint) or an absolute URL (an operation's status
  // URL, run history's API, discovery).
  std::string path = {};
  std::string api_version = {};                       // appended as ?api-version= (or &) when set
  std::optional<nlohmann::json> body = std::nullopt;  // sent as application/json
  bool authenticated = true;                          // false: no Authorization header (discovery)
  // For messages: what the call is for ("create code version src:1"); default METHOD path.
  std::string what = {};
};

class ArmClient {
 public:
  ArmClient(std::shared_ptr<HttpTransport> transport, std::shared_ptr<TokenCredential> credential,
            std::string endpoint);

  // Sends `call`, retrying as above; a 2xx reply, or an error:
  // "(UserError) Job x not found (PUT /subscriptions/.../jobs/x: 404)". A known service
  // message gets a note on how to fix it ("Asset paths cannot be updated.").
  Result<ArmReply> send(const ArmCall& call);

  // Follows the long-running operation that `started` (the reply to `call`) began, as
  // azure-mgmt-core's ARMPolling does, until it succeeds (the final resource) or fails
  // ("(code) message" of the operation's error). `progress` gets each status seen.
  Result<ArmReply> wait_for_operation(const ArmCall& call, const ArmReply& started,
                                      const std::function<void(std::string_view)>& progress = {});

  const std::string& endpoint() const { return endpoint_; }
  // Tests replace the waits between retries and polls.
  void set_sleep(std::function<void(std::chrono::milliseconds)> sleep) {
    sleep_ = std::move(sleep);
  }
  // Called before each wait; returning true stops retrying or polling (Ctrl-C).
  void set_should_stop(std::function<bool()> should_stop) { should_stop_ = std::move(should_stop); }
  // Hears of each retry before its wait, so that a throttled or failing call is not silent:
  // "(TooManyRequests) ... (PUT /path: 429); retrying in 2 s (retry 1 of 10)".
  void set_retry_notice(std::function<void(const std::string&)> notice) {
    retry_notice_ = std::move(notice);
  }

 private:
  // Waits `duration` (with sleep_ when set); false when should_stop_ asks to stop.
  bool wait(std::chrono::milliseconds duration);

  std::shared_ptr<HttpTransport> transport_;
  std::shared_ptr<TokenCredential> credential_;
  std::string endpoint_;
  std::function<void(std::chrono::milliseconds)> sleep_;
  std::function<bool()> should_stop_;
  std::function<void(const std::string&)> retry_notice_;
};

}  // namespace jobc::azureml
