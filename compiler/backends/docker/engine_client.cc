#include "backends/docker/engine_client.h"

#include <fmt/format.h>

#include <charconv>
#include <vector>

namespace jobc::docker {
namespace {

using json = nlohmann::json;

constexpr const char* kDefaultSocket = "/var/run/docker.sock";

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.starts_with("127.");
}

std::vector<int> version_numbers(const std::string& version) {
  std::vector<int> numbers;
  const char* at = version.data();
  const char* end = version.data() + version.size();
  while (at < end) {
    int value = 0;
    auto [next, ec] = std::from_chars(at, end, value);
    if (ec != std::errc()) break;
    numbers.push_back(value);
    at = next;
    if (at < end && *at == '.') ++at;
  }
  return numbers;
}

std::string how_to_start() {
  return "start the engine (`sudo systemctl start docker`, or run `sudo dockerd` in another "
         "terminal), or point DOCKER_HOST or the compute's host at a running one";
}

}  // namespace

Result<EngineEndpoint> parse_engine_address(const std::string& address) {
  EngineEndpoint endpoint;
  if (address.starts_with("unix://") || address.starts_with("/")) {
    endpoint.unix_socket = address.starts_with("/") ? address : address.substr(7);
    if (endpoint.unix_socket.empty()) {
      return fail(fmt::format("'{}' names no socket", address));
    }
    endpoint.base_url = "http://localhost";
    endpoint.shown = "unix://" + endpoint.unix_socket;
    return endpoint;
  }
  if (address.starts_with("tcp://") || address.starts_with("http://")) {
    std::string rest = address.substr(address.find("://") + 3);
    while (!rest.empty() && rest.back() == '/') rest.pop_back();
    std::string host = rest;
    std::string port = "2375";
    if (rest.starts_with("[")) {
      auto close = rest.find(']');
      host = rest.substr(0, close == std::string::npos ? rest.size() : close + 1);
      if (close != std::string::npos && close + 1 < rest.size() && rest[close + 1] == ':') {
        port = rest.substr(close + 2);
      }
    } else if (auto colon = rest.rfind(':'); colon != std::string::npos) {
      host = rest.substr(0, colon);
      port = rest.substr(colon + 1);
    }
    if (!is_loopback(host)) {
      return fail(fmt::format(
          "the Docker engine at '{}' is not on this machine; jobc mounts the run's folder into "
          "the container, so it needs a local engine (unix:// or tcp:// on 127.0.0.1)",
          address));
    }
    endpoint.base_url = "http://" + host + ":" + port;
    endpoint.shown = "tcp://" + host + ":" + port;
    return endpoint;
  }
  if (address.starts_with("ssh://") || address.starts_with("npipe://") ||
      address.starts_with("https://")) {
    return fail(fmt::format("'{}': jobc talks to a Docker engine over unix:// or tcp:// (loopback)",
                            address));
  }
  return fail(fmt::format(
      "'{}' is not a Docker engine address (unix:///path or tcp://127.0.0.1:PORT)", address));
}

Result<EngineEndpoint> resolve_engine_endpoint(const json& compute,
                                               const std::string& docker_host) {
  std::string address;
  if (compute.is_object() && compute.contains("socket") && compute["socket"].is_string()) {
    address = compute["socket"].get<std::string>();
    if (!address.starts_with("unix://") && !address.starts_with("/")) address = "unix://" + address;
  } else if (compute.is_object() && compute.contains("host") && compute["host"].is_string()) {
    address = compute["host"].get<std::string>();
  } else if (!docker_host.empty()) {
    address = docker_host;
  } else {
    address = std::string("unix://") + kDefaultSocket;
  }
  return parse_engine_address(address);
}

int compare_api_versions(const std::string& a, const std::string& b) {
  std::vector<int> x = version_numbers(a);
  std::vector<int> y = version_numbers(b);
  size_t n = std::max(x.size(), y.size());
  x.resize(n, 0);
  y.resize(n, 0);
  for (size_t i = 0; i < n; ++i) {
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return 0;
}

EngineClient::EngineClient(std::shared_ptr<HttpTransport> transport, EngineEndpoint endpoint)
    : transport_(std::move(transport)), endpoint_(std::move(endpoint)) {}

Status EngineClient::connect() {
  // GET /_ping answers at once with the API version in a header (GET /version asks the
  // runtime for its own versions, which takes the engine some milliseconds).
  HttpRequest ping;
  ping.url = endpoint_.base_url + "/_ping";  // unversioned: any engine answers it
  ping.unix_socket = endpoint_.unix_socket;
  ping.timeout_ms = 15000;
  HttpResult response = transport_->perform(ping);
  if (!response) return fail(describe_failure(response));
  std::string server = response->header("API-Version");
  engine_version_ = response->header("Server");
  if (!response->ok() || server.empty()) {
    HttpRequest version = ping;
    version.url = endpoint_.base_url + "/version";
    response = transport_->perform(version);
    if (!response || !response->ok()) return fail(describe_failure(response));
    json body = json::parse(response->body, nullptr, false);
    server = body.is_object() ? body.value("ApiVersion", "") : "";
    engine_version_ = body.is_object() ? body.value("Version", "") : "";
  }
  if (server.empty()) {
    return fail(fmt::format("{} does not say which API version it speaks: is it a Docker engine?",
                            endpoint_.shown));
  }
  if (compare_api_versions(server, kMinApiVersion) < 0) {
    return fail(fmt::format(
        "the Docker engine at {} speaks API {} ({}); jobc needs API {} or newer (Docker 19.03+)",
        endpoint_.shown, server, engine_version_, kMinApiVersion));
  }
  api_version_ = compare_api_versions(server, kMaxApiVersion) > 0 ? kMaxApiVersion : server;
  return {};
}

HttpRequest EngineClient::request(const std::string& method,
                                  const std::string& path_and_query) const {
  HttpRequest request;
  request.method = method;
  request.url = endpoint_.base_url + "/v" + api_version_ + path_and_query;
  request.unix_socket = endpoint_.unix_socket;
  return request;
}

HttpResult EngineClient::perform(const HttpRequest& request) const {
  return transport_->perform(request);
}

HttpResult EngineClient::call(const std::string& method, const std::string& path_and_query,
                              const json* body, long timeout_ms) const {
  HttpRequest request = this->request(method, path_and_query);
  request.timeout_ms = timeout_ms;
  if (body) {
    request.body = body->dump();
    request.headers.emplace_back("Content-Type", "application/json");
  }
  return transport_->perform(request);
}

std::string engine_message(const HttpResponse& response) {
  json body = json::parse(response.body, nullptr, false);
  std::string message;
  if (body.is_object() && body.contains("message") && body["message"].is_string()) {
    message = body["message"].get<std::string>();
  } else {
    message = response.body;
  }
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) message.pop_back();
  return message;
}

std::string EngineClient::describe_failure(const HttpResult& response) const {
  if (response) {
    return fmt::format("the Docker engine at {} answered {}: {}", endpoint_.shown, response->status,
                       engine_message(*response));
  }
  using Kind = HttpError::Kind;
  switch (response.error().kind) {
    case Kind::NoSocket:
      return fmt::format("no Docker engine at {}: the socket does not exist; {}", endpoint_.shown,
                         how_to_start());
    case Kind::Refused:
      return fmt::format(
          "the Docker engine at {} does not answer (connection refused): it is "
          "not running; {}",
          endpoint_.shown, how_to_start());
    case Kind::PermissionDenied:
      return fmt::format(
          "cannot connect to the Docker engine at {}: permission denied; add yourself to the "
          "docker group (`sudo usermod -aG docker $USER`, then log in again) or run jobc as root",
          endpoint_.shown);
    case Kind::Timeout:
      return fmt::format(
          "the Docker engine at {} did not answer in time ({}); is it hung? "
          "restart it (`sudo systemctl restart docker`)",
          endpoint_.shown, response.error().message);
    case Kind::Aborted:
      return "the request to the Docker engine was stopped";
    case Kind::Other:
      break;
  }
  return fmt::format("cannot talk to the Docker engine at {}: {}", endpoint_.shown,
                     response.error().message);
}

Result<bool> EngineClient::image_exists(const std::string& image) const {
  HttpResult response = call("GET", "/images/" + image + "/json", nullptr, 30000);
  if (response && response->ok()) return true;
  if (response && response->status == 404) return false;
  return fail(describe_failure(response));
}

}  // namespace jobc::docker
