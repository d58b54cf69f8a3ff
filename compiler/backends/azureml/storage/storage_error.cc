#include "backends/azureml/storage/storage_error.h"

#include "backends/azureml/storage/blob_url.h"
#include "backends/azureml/storage/small_xml.h"
#include "support/text.h"

namespace jobc::azureml {
namespace {

struct ErrorBody {
  std::string code, message;
};

ErrorBody read_error_body(const std::string& body) {
  auto root = parse_xml(body);
  if (!root || root->name != "Error") return {};
  std::string message = trim(root->child_text("Message"));
  // Azure appends "\nRequestId:...\nTime:..." to the sentence: keep the sentence.
  message = trim(message.substr(0, message.find('\n')));
  return {trim(root->child_text("Code")), message};
}

}  // namespace

std::string storage_error_code(const HttpResponse& response) {
  std::string code = response.header("x-ms-error-code");
  return code.empty() ? read_error_body(response.body).code : code;
}

std::string storage_error_text(const HttpResult& reply, const std::string& url,
                               const std::string& shown_url) {
  if (!reply) {
    std::string text = reply.error().message;
    for (size_t at = text.find(url); !url.empty() && at != std::string::npos;
         at = text.find(url, at + shown_url.size())) {
      text.replace(at, url.size(), shown_url);
    }
    // Whatever else the transport said, no query string leaves: a SAS carries a signature.
    if (size_t query = text.find('?');
        query != std::string::npos && text.find("sig=") != std::string::npos) {
      text = text.substr(0, query);
    }
    return text;
  }
  const HttpResponse& response = *reply;
  ErrorBody body = read_error_body(response.body);
  std::string code = response.header("x-ms-error-code");
  if (code.empty()) code = body.code;
  std::string status = "HTTP " + std::to_string(response.status);
  if (code.empty()) return body.message.empty() ? status : status + ": " + body.message;
  return "(" + code + ") " + (body.message.empty() ? status : body.message);
}

Error storage_failure(const std::string& doing, const HttpResult& response,
                      const std::string& url) {
  std::string text = doing + ": " + storage_error_text(response, url, url_for_messages(url));
  if (!response) return fail(text);
  std::string code = storage_error_code(*response);
  if (response->status == 403 &&
      (code == "AuthenticationFailed" || code == "AuthorizationFailure")) {
    text += " (the account key or SAS token was refused)";
  }
  return fail(text);
}

}  // namespace jobc::azureml
