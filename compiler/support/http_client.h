// A small HTTP client on libcurl, for the engine backends (the Docker Engine API on a unix
// socket, a registry or a REST daemon on loopback TCP). Requests and responses are plain
// values; bodies can be streamed both ways. Backends talk to an HttpTransport, so unit tests
// can hand them a fake that records the requests and answers from a script.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "jobc/result.h"

namespace jobc {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;          // http://localhost/v1.41/... (the host is ignored over a socket)
  std::string unix_socket;  // non-empty: connect to this unix socket instead of the URL's host
  HttpHeaders headers;
  std::string body;
  // Streaming upload: fills the buffer, returns the bytes written, 0 at the end. When set,
  // `body` is ignored; `body_size` is the total when known (-1: chunked transfer encoding).
  std::function<size_t(char* buffer, size_t size)> body_source;
  int64_t body_size = -1;
  // Called once the response's status and headers are in, before any of its body: a caller
  // that must know a stream is open (an attach before a start) waits for this.
  std::function<void(long status)> on_headers;
  // Streaming download: called with each piece of the response body as it arrives (then
  // HttpResponse::body stays empty). Returning false aborts the transfer.
  std::function<bool(std::string_view chunk)> on_chunk;
  long connect_timeout_ms = 5000;
  long timeout_ms = 60000;  // the whole transfer; 0 = none (a followed log stream)
  // Called now and then during the transfer; returning true aborts it (a stop request).
  std::function<bool()> should_abort;
  // For downloads from the internet: a CA bundle to verify the server with instead of the
  // system's; follow up to 5 redirects (https only); give up on a transfer slower than one
  // byte per second for this long (0: never).
  std::string ca_bundle;
  bool follow_redirects = false;
  long stall_timeout_ms = 0;
};

struct HttpResponse {
  long status = 0;
  HttpHeaders headers;
  std::string body;

  bool ok() const { return status >= 200 && status < 300; }
  // The value of header `name` (case-insensitive), or "".
  std::string header(std::string_view name) const;
};

// Why no (whole) response came: the message in words, and the kind for callers that explain
// it or retry on it (connection refused, no such socket...).
struct HttpError : Error {
  enum class Kind { NoSocket, Refused, PermissionDenied, Timeout, Aborted, Other };
  HttpError(std::string message, Kind kind) : Error{std::move(message)}, kind(kind) {}
  Kind kind;
};

// A response of any HTTP status, or the transport's failure.
using HttpResult = Result<HttpResponse, HttpError>;

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Performs one request. Never throws.
  virtual HttpResult perform(const HttpRequest& request) = 0;
};

// The real transport, one curl easy handle per request (thread-safe across requests).
class CurlTransport : public HttpTransport {
 public:
  CurlTransport();
  HttpResult perform(const HttpRequest& request) override;
};

// A real transport that keeps its curl handles between requests, so each connection stays
// open (keep-alive) for the next request: one handle per request in flight, reused by the
// next one. For many requests to one service from a pool of threads (Azure Storage uploads).
class KeepAliveCurlTransport : public HttpTransport {
 public:
  KeepAliveCurlTransport();
  ~KeepAliveCurlTransport() override;
  KeepAliveCurlTransport(const KeepAliveCurlTransport&) = delete;
  KeepAliveCurlTransport& operator=(const KeepAliveCurlTransport&) = delete;
  HttpResult perform(const HttpRequest& request) override;

 private:
  std::mutex mutex_;
  std::vector<void*> idle_;  // CURL handles not in use (void*: no curl header here)
};

std::shared_ptr<HttpTransport> make_curl_transport();
std::shared_ptr<HttpTransport> make_keep_alive_curl_transport();

// Loads and initialises libcurl on a background thread, so a backend's first request does
// not wait for it: libcurl brings some 30 libraries, about 5 ms that `jobc submit` spends
// compiling and staging instead. Waits for the thread on destruction.
class HttpWarmUp {
 public:
  HttpWarmUp();
  ~HttpWarmUp();
  HttpWarmUp(const HttpWarmUp&) = delete;
  HttpWarmUp& operator=(const HttpWarmUp&) = delete;

 private:
  std::thread thread_;
};

// Percent-encodes a query value or a path segment (RFC 3986 unreserved characters are kept).
std::string url_encode(std::string_view text);
// A file:// URI for an absolute path, each segment percent-encoded.
std::string file_uri(const std::filesystem::path& path);
// Decodes %XX escapes (a '%' not followed by two hex digits is kept as it is; '+' stays '+').
std::string url_decode(std::string_view text);

}  // namespace jobc
