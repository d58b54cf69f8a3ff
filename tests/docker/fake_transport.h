// Test helper: an HttpTransport that records every request and answers from a script of
// (method, path prefix) -> response, so the docker backend is tested without an engine.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "support/http_client.h"

namespace jobc::testing {

class FakeTransport : public HttpTransport {
 public:
  struct Rule {
    std::string method;
    std::string path_prefix;  // matched against the URL's path after /v1.XX
    HttpResponse response;
    std::optional<HttpError> failure;  // set: the transport fails instead
    // Streamed to on_chunk when the request has one (a build, a log stream).
    std::vector<std::string> chunks;
  };
  struct Recorded {
    std::string method;
    std::string path;  // the URL's path and query, /v1.XX removed
    HttpHeaders headers;
    std::string body;
  };

  void on(const std::string& method, const std::string& path_prefix, long status,
          std::string body = "", std::vector<std::string> chunks = {}) {
    std::lock_guard lock(mutex_);
    HttpResponse response;
    response.status = status;
    response.body = std::move(body);
    rules_.push_back({method, path_prefix, response, std::nullopt, std::move(chunks)});
  }
  // Adds a response header to the rule added last.
  void with_header(const std::string& name, const std::string& value) {
    std::lock_guard lock(mutex_);
    rules_.back().response.headers.emplace_back(name, value);
  }
  void fail(const std::string& method, const std::string& path_prefix, HttpError::Kind failure,
            const std::string& error) {
    std::lock_guard lock(mutex_);
    rules_.push_back({method, path_prefix, {}, HttpError(error, failure), {}});
  }

  HttpResult perform(const HttpRequest& request) override {
    Recorded recorded{request.method, strip(request.url), request.headers, request.body};
    if (request.body_source) {
      char buffer[4096];
      size_t got;
      while ((got = request.body_source(buffer, sizeof buffer)) > 0) {
        recorded.body.append(buffer, got);
      }
    }
    Rule rule;
    bool found = false;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(recorded);
      // The last matching rule wins, so a test can override an earlier answer.
      for (auto it = rules_.rbegin(); it != rules_.rend(); ++it) {
        if (it->method == request.method && recorded.path.starts_with(it->path_prefix)) {
          rule = *it;
          found = true;
          break;
        }
      }
    }
    if (!found) {
      HttpResponse missing;
      missing.status = 404;
      missing.body = R"({"message":"no rule in the fake transport"})";
      return missing;
    }
    if (rule.failure) return *rule.failure;
    if (request.on_headers) request.on_headers(rule.response.status);
    if (request.on_chunk) {
      for (const std::string& chunk : rule.chunks) request.on_chunk(chunk);
      if (rule.chunks.empty() && !rule.response.body.empty()) request.on_chunk(rule.response.body);
      rule.response.body.clear();
    }
    return rule.response;
  }

  std::vector<Recorded> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  // The first recorded request with `method` and a path starting with `prefix`.
  std::optional<Recorded> find(const std::string& method, const std::string& prefix) const {
    std::lock_guard lock(mutex_);
    for (const Recorded& r : requests_) {
      if (r.method == method && r.path.starts_with(prefix)) return r;
    }
    return std::nullopt;
  }

 private:
  static std::string strip(const std::string& url) {
    auto scheme = url.find("://");
    auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    std::string path = slash == std::string::npos ? "/" : url.substr(slash);
    if (path.starts_with("/v1.")) {
      auto next = path.find('/', 1);
      path = next == std::string::npos ? "/" : path.substr(next);
    }
    return path;
  }

  mutable std::mutex mutex_;
  std::vector<Rule> rules_;
  std::vector<Recorded> requests_;
};

}  // namespace jobc::testing
