#include "server/tracking_server.h"

#include <httplib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "runs/tracking/mlflow_api.h"

namespace jobc {
namespace {

using json = nlohmann::json;

// A tracking request carries at most a batch of 1000 entries of bounded size.
constexpr size_t kMaxRequestBytes = 16 << 20;

std::vector<TrackedRun> runs_of(const json& config) {
  std::vector<TrackedRun> runs;
  for (const json& run : config.value("runs", json::array())) {
    runs.push_back({run.value("run_id", ""), run.value("run_name", ""),
                    run.value("experiment_name", ""), run.value("artifact_uri", ""),
                    run.value("start_ms", int64_t{0})});
  }
  return runs;
}

}  // namespace

int tracking_server_main(std::istream& in, std::ostream& out) {
  std::string line;
  std::getline(in, line);
  json config = json::parse(line, nullptr, false);
  if (!config.is_object() || !config.contains("token") || !config.contains("home")) {
    std::cerr << "jobc-server track: expected the configuration as one JSON line on stdin\n";
    return 2;
  }
  auto store = MetricsStore::open(config["home"].get<std::string>());
  if (!store) {
    std::cerr << "jobc-server track: " << store.error().message << "\n";
    return 1;
  }
  MlflowApi api(**store, config["token"].get<std::string>(), runs_of(config));
  config.erase("token");
  std::mutex serialized;  // one store connection: requests take turns

  httplib::Server server;
  server.set_payload_max_length(kMaxRequestBytes);
  auto handler = [&](const httplib::Request& request, httplib::Response& response) {
    ApiRequest call;
    call.method = request.method;
    call.path = request.matches[1];
    for (const auto& [name, value] : request.params) call.query.emplace(name, value);
    call.body = request.body;
    call.authorization = request.get_header_value("Authorization");
    ApiReply reply;
    {
      std::lock_guard lock(serialized);
      reply = api.handle(call);
    }
    response.status = reply.status;
    response.set_content(reply.body, "application/json");
  };
  auto add_routes = [&](httplib::Server& target) {
    target.set_payload_max_length(kMaxRequestBytes);
    for (const char* prefix : {R"(/api/2\.0/mlflow/(.*))", R"(/ajax-api/2\.0/mlflow/(.*))"}) {
      target.Get(prefix, handler);
      target.Post(prefix, handler);
    }
  };
  add_routes(server);
  // A reply goes out in two writes (headers, then body): with Nagle's algorithm the body waits
  // for the client's delayed ACK of the headers, ~40 ms a request on loopback.
  server.set_tcp_nodelay(true);
  const std::string host = config.value("host", "127.0.0.1");
  int port = server.bind_to_any_port(host);
  if (port <= 0) {
    std::cerr << "jobc-server track: cannot listen on " << host << "\n";
    return 1;
  }
  // A job in a container without a network reaches the endpoint through a unix socket
  // mounted into it, and a relay inside (jobc-relay).
  httplib::Server socket_server;
  const std::string socket_path = config.value("unix_socket", "");
  if (!socket_path.empty()) {
    add_routes(socket_server);
    socket_server.set_address_family(AF_UNIX);
    if (!socket_server.bind_to_port(socket_path, 80)) {
      std::cerr << "jobc-server track: cannot listen on " << socket_path << "\n";
      return 1;
    }
    // The container's user may not be this one; the token guards the endpoint.
    chmod(socket_path.c_str(), 0666);
  }
  out << json{{"port", port}}.dump() << std::endl;
  // The monitor holds the other end of stdin: its end (EOF) ends the server. stop() does
  // nothing to a server that is not listening yet (a job that ended at once), so it is asked
  // again until both have returned.
  std::atomic<int> listening = socket_path.empty() ? 1 : 2;
  std::thread watch([&] {
    std::string ignored;
    while (std::getline(in, ignored)) {
    }
    while (listening.load() > 0) {
      server.stop();
      socket_server.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  std::thread on_socket;
  if (!socket_path.empty()) {
    on_socket = std::thread([&] {
      socket_server.listen_after_bind();
      --listening;
    });
  }
  server.listen_after_bind();
  --listening;
  watch.join();
  if (on_socket.joinable()) on_socket.join();
  if (!socket_path.empty()) {
    unlink(socket_path.c_str());
    rmdir(std::filesystem::path(socket_path).parent_path().c_str());
  }
  return 0;
}

}  // namespace jobc
