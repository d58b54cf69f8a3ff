// A client of the Docker Engine API (no docker CLI): where the engine is (the compute spec's
// socket or host, DOCKER_HOST, the default socket), the API version both sides speak, and
// requests on /v1.XX/... paths with errors a user can act on.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "jobc/result.h"
#include "support/http_client.h"

namespace jobc::docker {

// The API versions jobc speaks: 1.40 (Docker 19.03: DeviceRequests) up to 1.43.
inline constexpr const char* kMinApiVersion = "1.40";
inline constexpr const char* kMaxApiVersion = "1.43";

struct EngineEndpoint {
  std::string unix_socket;  // set for unix://
  std::string base_url;     // http://localhost (unix) or http://127.0.0.1:2375 (tcp)
  std::string shown;        // unix:///var/run/docker.sock, tcp://127.0.0.1:2375
};

// Parses unix:///path, /path, or tcp://host:port with a loopback host (an engine elsewhere
// could not see the run's folder, which jobc bind-mounts). An error otherwise.
Result<EngineEndpoint> parse_engine_address(const std::string& address);

// The engine a compute spec names: its `socket`, else its `host`, else $DOCKER_HOST (passed
// in, empty when unset), else unix:///var/run/docker.sock.
Result<EngineEndpoint> resolve_engine_endpoint(const nlohmann::json& compute,
                                               const std::string& docker_host);

// "1.41" < "1.43"; compares dotted numbers.
int compare_api_versions(const std::string& a, const std::string& b);

class EngineClient {
 public:
  EngineClient(std::shared_ptr<HttpTransport> transport, EngineEndpoint endpoint);

  // Asks the engine its API version (GET /_ping, else GET /version) and settles on the one
  // to use.
  // A missing or stopped engine gives an error saying how to start one.
  Status connect();
  // Skips the negotiation when the version is already known (the monitor, after prepare).
  void set_api_version(const std::string& version) { api_version_ = version; }
  const std::string& api_version() const { return api_version_; }
  const std::string& engine_version() const { return engine_version_; }
  const EngineEndpoint& endpoint() const { return endpoint_; }

  // A request for `path_and_query` ("/images/x/json") on the negotiated /v1.XX prefix.
  HttpRequest request(const std::string& method, const std::string& path_and_query) const;
  HttpResult perform(const HttpRequest& request) const;
  // Shorthands: a request with an optional JSON body.
  HttpResult call(const std::string& method, const std::string& path_and_query,
                  const nlohmann::json* body = nullptr, long timeout_ms = 60000) const;

  // What went wrong with a response, in words: the transport failure explained (how to start
  // the engine) or the engine's own {"message": ...}.
  std::string describe_failure(const HttpResult& response) const;

  // Whether the image (a name:tag or an id) is in the engine's image store; an error when the
  // engine cannot tell.
  Result<bool> image_exists(const std::string& image) const;

 private:
  std::shared_ptr<HttpTransport> transport_;
  EngineEndpoint endpoint_;
  std::string api_version_;
  std::string engine_version_;
};

// The engine's {"message": "..."} of an error response, or the body itself.
std::string engine_message(const HttpResponse& response);

}  // namespace jobc::docker
