#include "backends/azureml/service/managed_identity_credential.h"

#include <thread>

#include "backends/azureml/service/arm_retry.h"
#include "backends/azureml/service/token_reply.h"
#include "backends/azureml/service/url_transport.h"

namespace jobc::azureml {
namespace {

constexpr const char* kImdsTokenPath = "/metadata/identity/oauth2/token";
// IMDS answers 404 while an identity is being assigned, and throttles: azure-identity retries
// those 5 times.
constexpr int kImdsRetries = 5;

bool imds_should_retry(long status) {
  return status == 404 || status == 410 || status == 429 || status >= 500;
}

std::string with_query(std::string url, const std::string& query) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + query;
}

}  // namespace

ManagedIdentityCredential::ManagedIdentityCredential(std::shared_ptr<HttpTransport> transport,
                                                     ManagedIdentitySettings settings)
    : transport_(std::move(transport)), settings_(std::move(settings)) {}

std::string ManagedIdentityCredential::kind() const {
  switch (settings_.source) {
    case ManagedIdentitySource::AppService:
      return "managed identity (App Service, IDENTITY_ENDPOINT)";
    case ManagedIdentitySource::AzureMlCompute:
      return "managed identity (Azure ML compute, MSI_ENDPOINT)";
    case ManagedIdentitySource::Imds:
      break;
  }
  return "managed identity (instance metadata service)";
}

HttpRequest ManagedIdentityCredential::token_request(const std::string& scope) const {
  HttpRequest request;
  std::string resource = "resource=" + url_encode(scope_resource(scope));
  const std::string& client = settings_.client_id;
  switch (settings_.source) {
    case ManagedIdentitySource::AppService:
      request.url = with_query(settings_.endpoint, "api-version=2019-08-01&" + resource);
      if (!client.empty()) request.url += "&client_id=" + url_encode(client);
      request.headers = {{"X-IDENTITY-HEADER", settings_.secret}};
      break;
    case ManagedIdentitySource::AzureMlCompute:
      request.url = with_query(settings_.endpoint, "api-version=2017-09-01&" + resource);
      if (!client.empty()) request.url += "&clientid=" + url_encode(client);
      request.headers = {{"secret", settings_.secret}};
      break;
    case ManagedIdentitySource::Imds:
      request.url = settings_.endpoint + kImdsTokenPath + "?api-version=2018-02-01&" + resource;
      if (!client.empty()) request.url += "&client_id=" + url_encode(client);
      request.headers = {{"Metadata", "true"}};
      break;
  }
  request.headers.emplace_back("Accept", "application/json");
  request.timeout_ms = 30000;
  return request;
}

Result<AccessToken> ManagedIdentityCredential::fetch(const std::string& scope) {
  if (Status usable = check_url_transport(settings_.endpoint); !usable) {
    return fail(kind() + ": " + usable.error().message);
  }
  HttpRequest request = token_request(scope);
  int64_t now = epoch_seconds_now();
  HttpResult response = transport_->perform(request);
  for (int retry = 1; settings_.source == ManagedIdentitySource::Imds && retry <= kImdsRetries &&
                      response && imds_should_retry(response->status);
       ++retry) {
    std::this_thread::sleep_for(retry_wait(response->headers, retry));
    now = epoch_seconds_now();
    response = transport_->perform(request);
  }
  if (!response || !response->ok()) {
    std::string text = "cannot get a token from " + kind() + " at " + settings_.endpoint + ": " +
                       token_failure_text(response);
    if (settings_.source == ManagedIdentitySource::Imds && response && response->status == 400) {
      text += settings_.client_id.empty()
                  ? " (no identity is assigned to this machine)"
                  : " (the identity " + settings_.client_id + " is not assigned to this machine)";
    }
    return fail(text);
  }
  Result<AccessToken> token = parse_token_reply(response->body, now);
  if (!token) return fail(kind() + ": " + token.error().message);
  return token;
}

bool imds_answers(HttpTransport& transport, const std::string& host) {
  if (!check_url_transport(host)) return false;
  HttpRequest probe;
  probe.url = host + kImdsTokenPath + "?api-version=2018-02-01";
  probe.connect_timeout_ms = 300;
  probe.timeout_ms = 1000;
  HttpResult response = transport.perform(probe);
  return response && response->status != 0;
}

}  // namespace jobc::azureml
