#include "backends/azureml/service/azure_cli_credential.h"

#include <ctime>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>

#include "backends/azureml/service/captured_command.h"
#include "backends/azureml/service/token_reply.h"
#include "support/text.h"

namespace jobc::azureml {
namespace {

std::optional<int64_t> local_time(const std::string& text) {
  std::tm parts{};
  std::istringstream in(text);
  in >> std::get_time(&parts, "%Y-%m-%d %H:%M:%S");  // the fraction after it is ignored
  if (in.fail()) return std::nullopt;
  parts.tm_isdst = -1;
  return static_cast<int64_t>(std::mktime(&parts));
}

// The line of az's complaint worth showing (its last non-empty line is the "ERROR: ...").
std::string last_line(const std::string& text) {
  std::string trimmed = trim(text);
  auto newline = trimmed.rfind('\n');
  return trim(newline == std::string::npos ? trimmed : trimmed.substr(newline + 1));
}

}  // namespace

Result<AccessToken> parse_az_token(const std::string& json) {
  nlohmann::json reply = nlohmann::json::parse(json, nullptr, false);
  if (!reply.is_object() || !reply.value("accessToken", nlohmann::json()).is_string()) {
    return fail("az account get-access-token printed no accessToken");
  }
  AccessToken token{reply["accessToken"].get<std::string>(), 0};
  const nlohmann::json& epoch = reply.value("expires_on", nlohmann::json());
  if (epoch.is_number_integer()) {
    token.expires_on = epoch.get<int64_t>();
  } else if (epoch.is_string() && !epoch.get<std::string>().empty() &&
             epoch.get<std::string>().find_first_not_of("0123456789") == std::string::npos) {
    token.expires_on = std::stoll(epoch.get<std::string>());
  } else if (auto local = local_time(reply.value("expiresOn", std::string()))) {
    token.expires_on = *local;
  } else {
    return fail("az account get-access-token printed no expires_on or expiresOn");
  }
  return token;
}

AzureCliCredential::AzureCliCredential(AzureCliSettings settings)
    : settings_(std::move(settings)) {}

Result<AccessToken> AzureCliCredential::fetch(const std::string& scope) {
  std::vector<std::string> argv = {settings_.az_path,    "account", "get-access-token",
                                   "--output",           "json",    "--resource",
                                   scope_resource(scope)};
  if (!settings_.tenant_id.empty()) {
    argv.insert(argv.end(), {"--tenant", settings_.tenant_id});
  }
  Result<CapturedOutput> run = run_captured(argv, settings_.timeout);
  if (!run)
    return fail("cannot run the Azure CLI (" + settings_.az_path + "): " + run.error().message);
  if (run->timed_out) {
    return fail("az account get-access-token did not answer within " +
                std::to_string(settings_.timeout.count()) + " ms");
  }
  if (run->exit_code != 0) {
    // Only stderr is shown: stdout is where a token would be.
    std::string why = last_line(run->err);
    if (run->err.find("az login") != std::string::npos) {
      return fail("the Azure CLI is not signed in: run az login (" + why + ")");
    }
    return fail("az account get-access-token failed (exit " + std::to_string(run->exit_code) +
                (why.empty() ? ")" : "): " + why));
  }
  return parse_az_token(run->out);
}

}  // namespace jobc::azureml
