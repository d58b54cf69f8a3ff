// KeepAliveCurlTransport against a small HTTP/1.1 server on loopback that counts the
// connections it accepts: requests in a row share one connection, and a reused handle
// forgets the previous request's options. CurlTransport still opens one per request.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.h"

namespace {

// Answers every request "200 ok" (HEAD: no body), keeping each connection open.
class CountingServer {
 public:
  CountingServer() {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(listen(listener_, 16) == 0);
    socklen_t size = sizeof address;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size);
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~CountingServer() {
    stop_ = true;
    acceptor_.join();
    for (auto& thread : connections_) thread.join();
    close(listener_);
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int accepted() const { return accepted_; }

 private:
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::thread acceptor_;
  std::vector<std::thread> connections_;

  void accept_loop() {
    while (!stop_) {
      pollfd poll_fd{listener_, POLLIN, 0};
      if (poll(&poll_fd, 1, 50) <= 0) continue;
      int connection = accept(listener_, nullptr, nullptr);
      if (connection < 0) continue;
      ++accepted_;
      connections_.emplace_back([this, connection] { serve(connection); });
    }
  }
  void serve(int connection) {
    std::string pending;
    char buffer[4096];
    while (!stop_) {
      pollfd poll_fd{connection, POLLIN, 0};
      if (poll(&poll_fd, 1, 50) <= 0) continue;
      ssize_t got = read(connection, buffer, sizeof buffer);
      if (got <= 0) break;
      pending.append(buffer, static_cast<size_t>(got));
      for (size_t end = pending.find("\r\n\r\n"); end != std::string::npos;
           end = pending.find("\r\n\r\n")) {
        bool head = pending.starts_with("HEAD ");
        pending.erase(0, end + 4);
        std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n";
        if (!head) reply += "ok";
        if (write(connection, reply.data(), reply.size()) < 0) break;
      }
    }
    close(connection);
  }
};

bool answered_ok(const jobc::HttpResult& response) {
  return response && response->ok();
}

}  // namespace

TEST_SUITE("support") {
  TEST_CASE("the keep-alive transport sends requests in a row over one connection") {
    CountingServer server;
    jobc::KeepAliveCurlTransport transport;
    for (int i = 0; i < 5; ++i) {
      jobc::HttpRequest request;
      request.method = i % 2 ? "HEAD" : "GET";  // HEAD's no-body option must not stick
      request.url = server.url("/x");
      auto response = transport.perform(request);
      REQUIRE_MESSAGE(response, response.error().message);
      CHECK(response->ok());
      CHECK(response->body == (i % 2 ? "" : "ok"));
    }
    CHECK(server.accepted() == 1);
  }

  TEST_CASE("the keep-alive transport opens one connection per request in flight at once") {
    CountingServer server;
    jobc::KeepAliveCurlTransport transport;
    auto work = [&] {
      for (int i = 0; i < 10; ++i) {
        jobc::HttpRequest request;
        request.url = server.url("/y");
        CHECK(answered_ok(transport.perform(request)));
      }
    };
    std::thread a(work), b(work), c(work);
    a.join();
    b.join();
    c.join();
    CHECK(server.accepted() >= 1);
    CHECK(server.accepted() <= 3);
  }

  TEST_CASE("the plain curl transport still opens a connection for each request") {
    CountingServer server;
    jobc::CurlTransport transport;
    for (int i = 0; i < 3; ++i) {
      jobc::HttpRequest request;
      request.url = server.url("/z");
      CHECK(answered_ok(transport.perform(request)));
    }
    CHECK(server.accepted() == 3);
  }
}
