// ArmClient::send: one ARM call with azure-core's retries (arm_retry.h) and errors
// (arm_error.h). Long-running operations are in long_running_operation.cc.
#include "backends/azureml/service/arm_client.h"

#include <thread>

#include "backends/azureml/service/arm_endpoint.h"
#include "backends/azureml/service/arm_error.h"
#include "backends/azureml/service/arm_retry.h"
#include "backends/azureml/service/url_transport.h"
#include "support/text.h"

namespace jobc::azureml {
namespace {

constexpr std::chrono::milliseconds kStopCheckInterval{100};

std::string call_url(const std::string& endpoint, const ArmCall& call) {
  std::string url = call.path.starts_with('/') ? endpoint + call.path : call.path;
  if (!call.api_version.empty()) {
    url += (url.find('?') == std::string::npos ? "?" : "&");
    url += "api-version=" + url_encode(call.api_version);
  }
  return url;
}

std::string shown_path(const std::string& endpoint, const std::string& url) {
  return url.starts_with(endpoint + "/") ? url.substr(endpoint.size()) : url;
}

}  // namespace

std::string ArmReply::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return "";
}

ArmClient::ArmClient(std::shared_ptr<HttpTransport> transport,
                     std::shared_ptr<TokenCredential> credential, std::string endpoint)
    : transport_(std::move(transport)),
      credential_(std::move(credential)),
      endpoint_(std::move(endpoint)) {
  while (endpoint_.ends_with('/')) endpoint_.pop_back();
}

Result<ArmReply> ArmClient::send(const ArmCall& call) {
  std::string url = call_url(endpoint_, call);
  std::string shown = shown_path(endpoint_, url);
  std::string what = call.what;
  // Checked before each call, not once: operation and run history URLs come from replies.
  if (Status usable = check_url_transport(url); !usable) {
    return fail((what.empty() ? "" : what + ": ") + usable.error().message);
  }
  HttpRequest request;
  request.method = call.method;
  request.url = url;
  request.headers = {{"Accept", "application/json"}};
  if (call.body) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = call.body->dump();
  }
  int status_retries = 0;
  int transport_retries = 0;
  for (;;) {
    HttpRequest attempt = request;
    if (call.authenticated) {
      // Asked per attempt: a long wait may outlive the token.
      Result<std::string> token = credential_->token(arm_scope(endpoint_));
      if (!token) {
        return fail((what.empty() ? "" : what + ": ") + "cannot get a token for Azure (" +
                    credential_->kind() + "): " + token.error().message);
      }
      attempt.headers.emplace_back("Authorization", "Bearer " + *token);
    }
    HttpResult response = transport_->perform(attempt);
    if (response && response->ok()) {
      ArmReply reply{response->status, std::move(response->headers), nullptr};
      if (!trim(response->body).empty()) {
        reply.body = nlohmann::json::parse(response->body, nullptr, false);
        if (reply.body.is_discarded()) reply.body = nullptr;
      }
      return reply;
    }
    bool transport_failure = !response;
    int& retries = transport_failure ? transport_retries : status_retries;
    int limit = transport_failure ? kArmTransportRetries : kArmStatusRetries;
    if (!arm_should_retry(call.method, response) || retries >= limit) {
      return arm_request_error(what, call.method, shown, response);
    }
    ++retries;
    if (!wait(retry_wait(response ? response->headers : HttpHeaders(), retries))) {
      return fail((what.empty() ? "" : what + ": ") + "stopped while waiting to retry " +
                  failed_request_text(call.method, shown, response ? response->status : 0));
    }
  }
}

bool ArmClient::wait(std::chrono::milliseconds duration) {
  if (should_stop_ && should_stop_()) return false;
  if (sleep_) {
    sleep_(duration);
    return !(should_stop_ && should_stop_());
  }
  // Slept in slices, so a stop request (Ctrl-C) ends a long Retry-After early.
  auto until = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < until) {
    if (should_stop_ && should_stop_()) return false;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    std::this_thread::sleep_for(std::clamp(left, std::chrono::milliseconds(0), kStopCheckInterval));
  }
  return true;
}

}  // namespace jobc::azureml
