#include "backends/azureml/service/arm_error.h"

#include "backends/azureml/service/url_transport.h"
#include "support/text.h"

namespace jobc::azureml {
namespace {

constexpr size_t kShownBodyBytes = 200;

std::optional<std::string> code_and_message(const nlohmann::json& error) {
  if (!error.is_object()) return std::nullopt;
  auto code = error.find("code");
  auto message = error.find("message");
  bool has_code = code != error.end() && code->is_string();
  bool has_message = message != error.end() && message->is_string();
  if (!has_code && !has_message) return std::nullopt;
  std::string text = has_code ? "(" + code->get<std::string>() + ")" : "";
  if (has_message) text += (text.empty() ? "" : " ") + message->get<std::string>();
  return text;
}

// A reply that is not an ARM error (a proxy's page, plain text): its start, on one line.
std::string plain_body_text(const std::string& body) {
  std::string text = trim(body.substr(0, kShownBodyBytes));
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return text;
}

}  // namespace

std::optional<std::string> arm_error_text(const nlohmann::json& body) {
  const nlohmann::json& error = body.is_object() && body.contains("error") ? body["error"] : body;
  std::optional<std::string> text = code_and_message(error);
  if (!text) return std::nullopt;
  if (auto details = error.find("details"); details != error.end() && details->is_array()) {
    for (const nlohmann::json& detail : *details) {
      if (auto part = code_and_message(detail)) *text += "; " + *part;
    }
  }
  return text;
}

std::string failed_request_text(std::string_view method, std::string_view url, long status) {
  std::string text = std::string(method) + " " + url_without_query(url);
  if (status != 0) text += ": " + std::to_string(status);
  return text;
}

std::string arm_error_note(std::string_view text) {
  if (text.find("Asset paths cannot be updated.") != std::string_view::npos) {
    return "this name and version already belong to a code asset uploaded from other files, "
           "and a version's files never change: give the code a new version or another name";
  }
  return "";
}

Error arm_request_error(std::string_view what, std::string_view method, std::string_view url,
                        const HttpResult& response) {
  std::string prefix = what.empty() ? "" : std::string(what) + ": ";
  if (!response) {
    return fail(prefix + "no reply (" + failed_request_text(method, url, 0) +
                "): " + response.error().message);
  }
  nlohmann::json body = nlohmann::json::parse(response->body, nullptr, false);
  std::string text = arm_error_text(body).value_or(plain_body_text(response->body));
  if (text.empty()) text = "HTTP " + std::to_string(response->status);
  std::string message =
      prefix + text + " (" + failed_request_text(method, url, response->status) + ")";
  if (std::string note = arm_error_note(text); !note.empty()) message += ": " + note;
  return fail(message);
}

}  // namespace jobc::azureml
