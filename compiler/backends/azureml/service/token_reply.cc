#include "backends/azureml/service/token_reply.h"

#include <ctime>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

namespace jobc::azureml {
namespace {

std::optional<int64_t> integer_of(const nlohmann::json& value) {
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_number()) return static_cast<int64_t>(value.get<double>());
  if (!value.is_string()) return std::nullopt;
  const std::string& text = value.get_ref<const std::string&>();
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoll(text);
}

// App Service 2017-09-01: "06/20/2019 02:57:58 +00:00" (Linux) or "1/16/2020 5:24:12 AM +00:00"
// (Windows); always UTC.
std::optional<int64_t> app_service_date(const nlohmann::json& value) {
  if (!value.is_string()) return std::nullopt;
  std::string text = value.get<std::string>();
  const std::string utc = " +00:00";
  if (!text.ends_with(utc)) return std::nullopt;
  text.resize(text.size() - utc.size());
  for (const char* format : {"%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M:%S %p"}) {
    std::tm parts{};
    std::istringstream in(text);
    in >> std::get_time(&parts, format);
    if (!in.fail() && in.peek() == std::char_traits<char>::eof()) return timegm(&parts);
  }
  return std::nullopt;
}

}  // namespace

Result<AccessToken> parse_token_reply(std::string_view body, int64_t now) {
  nlohmann::json reply = nlohmann::json::parse(body, nullptr, false);
  if (!reply.is_object() || !reply.contains("access_token") || !reply["access_token"].is_string()) {
    return fail("the token reply has no access_token");
  }
  AccessToken token{reply["access_token"].get<std::string>(), 0};
  std::optional<int64_t> expires_on;
  if (reply.contains("expires_on")) {
    expires_on = integer_of(reply["expires_on"]);
    if (!expires_on) expires_on = app_service_date(reply["expires_on"]);
  }
  if (!expires_on && reply.contains("expires_in")) {
    if (auto seconds = integer_of(reply["expires_in"])) expires_on = now + *seconds;
  }
  if (!expires_on) return fail("the token reply says neither expires_on nor expires_in");
  token.expires_on = *expires_on;
  return token;
}

std::string token_failure_text(const HttpResult& response) {
  if (!response) return response.error().message;
  std::string text = "HTTP " + std::to_string(response->status);
  nlohmann::json reply = nlohmann::json::parse(response->body, nullptr, false);
  if (!reply.is_object()) return text;
  // Entra ID and managed identity: {"error": "...", "error_description": "..."}; ARM-style
  // endpoints: {"error": {"code", "message"}}.
  const nlohmann::json& error = reply.contains("error") ? reply["error"] : nlohmann::json();
  std::string code = error.is_string() ? error.get<std::string>()
                     : error.is_object() && error.value("code", nlohmann::json()).is_string()
                         ? error["code"].get<std::string>()
                         : "";
  std::string description;
  if (reply.value("error_description", nlohmann::json()).is_string()) {
    description = reply["error_description"].get<std::string>();
  } else if (error.is_object() && error.value("message", nlohmann::json()).is_string()) {
    description = error["message"].get<std::string>();
  }
  description = description.substr(0, description.find_first_of("\r\n"));  // no trace ids
  if (!code.empty()) text += ": " + code;
  if (!description.empty()) text += ": " + description;
  return text;
}

std::string scope_resource(std::string_view scope) {
  const std::string_view suffix = "/.default";
  if (scope.ends_with(suffix)) scope.remove_suffix(suffix.size());
  return std::string(scope);
}

}  // namespace jobc::azureml
