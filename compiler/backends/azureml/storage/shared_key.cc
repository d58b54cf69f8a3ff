#include "backends/azureml/storage/shared_key.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <vector>

#include "support/base64.h"
#include "support/text.h"

namespace jobc::azureml {
namespace {

std::string header_value(const HttpRequest& request, std::string_view name) {
  for (const auto& [key, value] : request.headers) {
    if (iequals(key, name)) return value;
  }
  return "";
}

// "x-ms-...:value\n" for every x-ms- header, names lowercase and sorted, values trimmed.
std::string canonicalized_headers(const HttpRequest& request) {
  std::map<std::string, std::string> headers;
  for (const auto& [key, value] : request.headers) {
    std::string name = lower(trim(key));
    if (name.starts_with("x-ms-")) headers[name] = trim(value);
  }
  std::string out;
  for (const auto& [name, value] : headers) out += name + ":" + value + "\n";
  return out;
}

// "/ACCOUNT" + the URL's path as sent, then "\nname:value" per query parameter (names
// lowercase and sorted, values decoded; repeated names joined by commas).
std::string canonicalized_resource(std::string_view url, std::string_view account) {
  size_t scheme = url.find("://");
  size_t path_start = url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
  std::string_view rest = path_start == std::string_view::npos ? "" : url.substr(path_start);
  size_t question = rest.find('?');
  std::string_view path = rest.substr(0, question);
  std::string out = "/" + std::string(account) + (path.empty() ? "/" : std::string(path));
  if (question == std::string_view::npos) return out;
  std::map<std::string, std::vector<std::string>> query;
  std::string_view params = rest.substr(question + 1);
  while (!params.empty()) {
    size_t amp = params.find('&');
    std::string_view param = params.substr(0, amp);
    params = amp == std::string_view::npos ? "" : params.substr(amp + 1);
    if (param.empty()) continue;
    size_t equals = param.find('=');
    std::string name = lower(url_decode(param.substr(0, equals)));
    query[name].push_back(equals == std::string_view::npos ? ""
                                                           : url_decode(param.substr(equals + 1)));
  }
  for (auto& [name, values] : query) {
    std::sort(values.begin(), values.end());
    std::string joined;
    for (const auto& value : values) joined += (joined.empty() ? "" : ",") + value;
    out += "\n" + name + ":" + joined;
  }
  return out;
}

}  // namespace

std::string shared_key_string_to_sign(const HttpRequest& request, std::string_view account) {
  int64_t length =
      request.body_source ? request.body_size : static_cast<int64_t>(request.body.size());
  bool has_body = request.method != "GET" && request.method != "HEAD";
  std::string content_length = has_body && length > 0 ? std::to_string(length) : "";
  std::string text = request.method + "\n";
  text += header_value(request, "Content-Encoding") + "\n";
  text += header_value(request, "Content-Language") + "\n";
  text += content_length + "\n";
  for (const char* name : {"Content-MD5", "Content-Type", "Date", "If-Modified-Since", "If-Match",
                           "If-None-Match", "If-Unmodified-Since", "Range"}) {
    text += header_value(request, name) + "\n";
  }
  return text + canonicalized_headers(request) + canonicalized_resource(request.url, account);
}

Result<std::string> shared_key_signature(std::string_view text, std::string_view key_base64) {
  auto key = base64_decode(key_base64);
  if (!key || key->empty()) {
    return Error{"the storage account key is not valid base64"};
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (!HMAC(EVP_sha256(), key->data(), static_cast<int>(key->size()),
            reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest, &size)) {
    return Error{"cannot compute an HMAC-SHA256 signature with OpenSSL"};
  }
  return base64_encode(std::string_view(reinterpret_cast<const char*>(digest), size));
}

Status sign_shared_key(HttpRequest& request, std::string_view account,
                       std::string_view key_base64) {
  auto signature = shared_key_signature(shared_key_string_to_sign(request, account), key_base64);
  if (!signature) return signature.error();
  request.headers.emplace_back("Authorization",
                               "SharedKey " + std::string(account) + ":" + *signature);
  return {};
}

std::string http_date_now() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &utc);
  return buffer;
}

}  // namespace jobc::azureml
