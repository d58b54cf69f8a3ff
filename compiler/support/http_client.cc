#include "support/http_client.h"

#include <curl/curl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <mutex>

#include "support/text.h"

namespace jobc {
namespace {

struct Transfer {
  CURL* curl = nullptr;
  const HttpRequest* request = nullptr;
  HttpResponse* response = nullptr;
  size_t body_offset = 0;
  bool aborted_by_callback = false;
};

size_t on_write(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  size_t bytes = size * count;
  if (transfer->request->on_chunk) {
    if (!transfer->request->on_chunk(std::string_view(data, bytes))) {
      transfer->aborted_by_callback = true;
      return 0;  // makes curl stop with CURLE_WRITE_ERROR
    }
  } else {
    transfer->response->body.append(data, bytes);
  }
  return bytes;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  size_t bytes = size * count;
  std::string_view line(data, bytes);
  if (line.starts_with("HTTP/")) {
    transfer->response->headers.clear();  // a new response (after 100 Continue, say)
  } else if (line == "\r\n" || line == "\n") {
    long status = 0;
    curl_easy_getinfo(transfer->curl, CURLINFO_RESPONSE_CODE, &status);
    if (transfer->request->on_headers && status >= 200) transfer->request->on_headers(status);
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    transfer->response->headers.emplace_back(trim(line.substr(0, colon)),
                                             trim(line.substr(colon + 1)));
  }
  return bytes;
}

size_t on_read(char* buffer, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  size_t room = size * count;
  const HttpRequest& request = *transfer->request;
  if (request.body_source) return request.body_source(buffer, room);
  size_t left = request.body.size() - transfer->body_offset;
  size_t bytes = std::min(left, room);
  std::memcpy(buffer, request.body.data() + transfer->body_offset, bytes);
  transfer->body_offset += bytes;
  return bytes;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* transfer = static_cast<Transfer*>(user);
  if (transfer->request->should_abort && transfer->request->should_abort()) {
    transfer->aborted_by_callback = true;
    return 1;
  }
  return 0;
}

HttpError describe_failure(CURLcode code, const char* detail, const HttpRequest& request) {
  std::string where = request.unix_socket.empty() ? request.url : "unix://" + request.unix_socket;
  std::string text = detail && *detail ? detail : curl_easy_strerror(code);
  HttpError::Kind kind = HttpError::Kind::Other;
  if (code == CURLE_COULDNT_CONNECT) {
    struct stat info {};
    bool no_socket =
        !request.unix_socket.empty() && ::stat(request.unix_socket.c_str(), &info) != 0;
    bool denied = text.find("ermission denied") != std::string::npos;
    kind = no_socket ? HttpError::Kind::NoSocket
           : denied  ? HttpError::Kind::PermissionDenied
                     : HttpError::Kind::Refused;
  } else if (code == CURLE_OPERATION_TIMEDOUT) {
    kind = HttpError::Kind::Timeout;
  } else if (code == CURLE_ABORTED_BY_CALLBACK || code == CURLE_WRITE_ERROR) {
    kind = HttpError::Kind::Aborted;
  }
  return HttpError(where + ": " + text, kind);
}

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return "";
}

namespace {

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

CurlTransport::CurlTransport() {
  init_curl_once();
}

HttpWarmUp::HttpWarmUp() : thread_([] { CurlTransport warm; }) {}

HttpWarmUp::~HttpWarmUp() {
  thread_.join();
}

namespace {

HttpError no_curl_handle() {
  return HttpError("cannot initialize libcurl", HttpError::Kind::Other);
}

// One request on `curl`, a fresh or reset handle; the caller owns (and frees) the handle.
HttpResult perform_on(CURL* curl, const HttpRequest& request) {
  HttpResponse response;
  Transfer transfer{curl, &request, &response};
  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  if (!request.unix_socket.empty()) {
    curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, request.unix_socket.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");  // an engine on loopback is never proxied
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, request.connect_timeout_ms);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, request.timeout_ms);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  if (!request.ca_bundle.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, request.ca_bundle.c_str());
  if (request.follow_redirects) {
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "https");
  }
  if (request.stall_timeout_ms > 0) {
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, std::max(1L, request.stall_timeout_ms / 1000));
  }
  if (request.should_abort) {
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);
  }

  if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  curl_slist* headers = nullptr;
  for (const auto& [key, value] : request.headers) {
    headers = curl_slist_append(headers, (key + ": " + value).c_str());
  }
  if (request.method != "GET" && request.method != "HEAD") {
    // A body (possibly empty) through the read callback: POST without data is legal.
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(curl, CURLOPT_READDATA, &transfer);
    int64_t size =
        request.body_source ? request.body_size : static_cast<int64_t>(request.body.size());
    if (size >= 0) {
      curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(size));
    } else {
      headers = curl_slist_append(headers, "Transfer-Encoding: chunked");
    }
    headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  }
  if (headers) curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

  CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (code != CURLE_OK) {
    if (transfer.aborted_by_callback) return HttpError("aborted", HttpError::Kind::Aborted);
    return describe_failure(code, error_buffer, request);
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

}  // namespace

HttpResult CurlTransport::perform(const HttpRequest& request) {
  CURL* curl = curl_easy_init();
  if (!curl) return no_curl_handle();
  HttpResult response = perform_on(curl, request);
  curl_easy_cleanup(curl);
  return response;
}

KeepAliveCurlTransport::KeepAliveCurlTransport() {
  init_curl_once();
}

KeepAliveCurlTransport::~KeepAliveCurlTransport() {
  for (void* handle : idle_) curl_easy_cleanup(static_cast<CURL*>(handle));
}

HttpResult KeepAliveCurlTransport::perform(const HttpRequest& request) {
  CURL* curl = nullptr;
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      curl = static_cast<CURL*>(idle_.back());
      idle_.pop_back();
    }
  }
  if (curl) {
    curl_easy_reset(curl);  // forgets the last request's options, keeps its open connection
  } else {
    curl = curl_easy_init();
    if (!curl) return no_curl_handle();
  }
  HttpResult response = perform_on(curl, request);
  std::lock_guard lock(mutex_);
  idle_.push_back(curl);
  return response;
}

std::shared_ptr<HttpTransport> make_curl_transport() {
  return std::make_shared<CurlTransport>();
}

std::shared_ptr<HttpTransport> make_keep_alive_curl_transport() {
  return std::make_shared<KeepAliveCurlTransport>();
}

std::string url_encode(std::string_view text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += hex[byte >> 4];
      out += hex[byte & 15];
    }
  }
  return out;
}

std::string file_uri(const std::filesystem::path& path) {
  std::string uri = "file://";
  for (const auto& part : path.relative_path()) uri += "/" + url_encode(part.string());
  return uri;
}

std::string url_decode(std::string_view text) {
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && digit(text[i + 1]) >= 0 &&
        digit(text[i + 2]) >= 0) {
      out += static_cast<char>(digit(text[i + 1]) * 16 + digit(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace jobc
