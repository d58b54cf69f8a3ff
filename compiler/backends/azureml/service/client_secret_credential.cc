#include "backends/azureml/service/client_secret_credential.h"

#include <cctype>
#include <fstream>
#include <sstream>

#include "backends/azureml/service/token_reply.h"
#include "backends/azureml/service/url_transport.h"
#include "support/text.h"

namespace jobc::azureml {
namespace {

constexpr const char* kJwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

std::string form_field(const std::string& name, const std::string& value) {
  return name + "=" + url_encode(value);
}

}  // namespace

Result<std::string> authority_host_url(std::string host) {
  host = trim(host);
  while (host.ends_with('/')) host.pop_back();
  if (host.find("://") == std::string::npos) host = "https://" + host;
  if (Status usable = check_url_transport(host); !usable) {
    return fail("AZURE_AUTHORITY_HOST: " + usable.error().message);
  }
  return host;
}

bool valid_tenant_id(const std::string& tenant) {
  if (tenant.empty()) return false;
  for (char c : tenant) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') return false;
  }
  return true;
}

ClientSecretCredential::ClientSecretCredential(std::shared_ptr<HttpTransport> transport,
                                               ClientCredentialSettings settings)
    : transport_(std::move(transport)), settings_(std::move(settings)) {}

std::string ClientSecretCredential::kind() const {
  return settings_.client_secret.empty() ? "environment (workload identity)"
                                         : "environment (client secret)";
}

Result<std::string> ClientSecretCredential::client_proof() const {
  if (!settings_.client_secret.empty()) {
    return form_field("client_secret", settings_.client_secret);
  }
  std::ifstream in(settings_.federated_token_file, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  if (!in) {
    return fail("cannot read the federated token file " + settings_.federated_token_file +
                " (AZURE_FEDERATED_TOKEN_FILE)");
  }
  return form_field("client_assertion_type", kJwtBearer) + "&" +
         form_field("client_assertion", trim(content.str()));
}

Result<AccessToken> ClientSecretCredential::fetch(const std::string& scope) {
  std::string who = "application " + settings_.client_id + " in tenant " + settings_.tenant_id;
  Result<std::string> proof = client_proof();
  if (!proof) return proof.error();
  HttpRequest request;
  request.method = "POST";
  request.url = settings_.authority_host + "/" + settings_.tenant_id + "/oauth2/v2.0/token";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"}};
  request.body = form_field("grant_type", "client_credentials") + "&" +
                 form_field("client_id", settings_.client_id) + "&" + *proof + "&" +
                 form_field("scope", scope);
  request.timeout_ms = 30000;
  int64_t now = epoch_seconds_now();
  HttpResult response = transport_->perform(request);
  if (!response || !response->ok()) {
    return fail("cannot sign in to Microsoft Entra ID as " + who + " (" + kind() +
                "): " + token_failure_text(response));
  }
  Result<AccessToken> token = parse_token_reply(response->body, now);
  if (!token)
    return fail("Microsoft Entra ID, signing in as " + who + ": " + token.error().message);
  return token;
}

}  // namespace jobc::azureml
