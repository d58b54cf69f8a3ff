// The libcurl transport on a unix socket, against a tiny in-process HTTP server: streamed
// uploads (known size and chunked), streamed responses, timeouts and errors in words.
#include "support/http_client.h"

#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <thread>

#include "common/temp_dir.h"

namespace {

// Serves one connection: reads the request (headers + body, chunked or not), then answers
// with `respond(request_text, body)`.
class OneShotServer {
 public:
  OneShotServer(const std::string& path,
                std::function<std::string(const std::string&, const std::string&)> respond)
      : respond_(std::move(respond)) {
    fd_ = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(listen(fd_, 1) == 0);
    thread_ = std::thread([this] { serve(); });
  }
  ~OneShotServer() {
    thread_.join();
    close(fd_);
  }

 private:
  void serve() {
    int client = accept(fd_, nullptr, nullptr);
    if (client < 0) return;
    std::string data;
    char buffer[4096];
    auto fill = [&]() {
      ssize_t got = read(client, buffer, sizeof buffer);
      if (got <= 0) return false;
      data.append(buffer, static_cast<size_t>(got));
      return true;
    };
    while (data.find("\r\n\r\n") == std::string::npos && fill()) {
    }
    size_t head_end = data.find("\r\n\r\n") + 4;
    std::string head = data.substr(0, head_end);
    std::string body;
    if (head.find("Transfer-Encoding: chunked") != std::string::npos) {
      size_t at = head_end;
      while (true) {
        while (data.find("\r\n", at) == std::string::npos && fill()) {
        }
        size_t line_end = data.find("\r\n", at);
        size_t size = std::stoul(data.substr(at, line_end - at), nullptr, 16);
        while (data.size() < line_end + 2 + size + 2 && fill()) {
        }
        body += data.substr(line_end + 2, size);
        at = line_end + 2 + size + 2;
        if (size == 0) break;
      }
    } else if (auto length = head.find("Content-Length: "); length != std::string::npos) {
      size_t size = std::stoul(head.substr(length + 16));
      while (data.size() < head_end + size && fill()) {
      }
      body = data.substr(head_end, size);
    }
    std::string response = respond_(head, body);
    if (!response.empty()) {
      ssize_t ignored = write(client, response.data(), response.size());
      (void)ignored;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(800));  // never answer
    }
    close(client);
  }

  int fd_ = -1;
  std::thread thread_;
  std::function<std::string(const std::string&, const std::string&)> respond_;
};

}  // namespace

TEST_SUITE("docker_backend") {
  TEST_CASE("http over a unix socket: a chunked streamed upload and a streamed response") {
    jobc::testing::TempDir dir;
    std::string path = (dir.path / "s.sock").string();
    std::string seen_head;
    std::string seen_body;
    OneShotServer server(path, [&](const std::string& head, const std::string& body) {
      seen_head = head;
      seen_body = body;
      return std::string(
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
          "6\r\n{\"a\":1\r\n2\r\n}\n\r\n0\r\n\r\n");
    });
    jobc::CurlTransport transport;
    jobc::HttpRequest request;
    request.method = "POST";
    request.url = "http://localhost/v1.41/build?t=x";
    request.unix_socket = path;
    request.headers = {{"X-Test", "1"}};
    int calls = 0;
    request.body_source = [&](char* buffer, size_t size) -> size_t {
      if (calls++ >= 3) return 0;
      std::string piece = "part" + std::to_string(calls) + ";";
      REQUIRE(piece.size() <= size);
      std::copy(piece.begin(), piece.end(), buffer);
      return piece.size();
    };
    std::string streamed;
    request.on_chunk = [&](std::string_view chunk) {
      streamed += chunk;
      return true;
    };
    jobc::HttpResult response = transport.perform(request);
    REQUIRE_MESSAGE(response, response.error().message);
    CHECK(response->ok());
    CHECK(response->header("content-type") == "application/json");
    CHECK(response->body.empty());
    CHECK(streamed == "{\"a\":1}\n");
    CHECK(seen_head.find("POST /v1.41/build?t=x HTTP/1.1") == 0);
    CHECK(seen_head.find("X-Test: 1") != std::string::npos);
    CHECK(seen_body == "part1;part2;part3;");
  }

  TEST_CASE("http: a sized body, an error status, a timeout") {
    jobc::testing::TempDir dir;
    std::string path = (dir.path / "s.sock").string();
    {
      std::string seen_body;
      OneShotServer server(path, [&](const std::string&, const std::string& body) {
        seen_body = body;
        return std::string(
            "HTTP/1.1 404 Not Found\r\nContent-Length: 27\r\n\r\n{\"message\":\"no such image\"}");
      });
      jobc::CurlTransport transport;
      jobc::HttpRequest request;
      request.method = "POST";
      request.url = "http://localhost/containers/create";
      request.unix_socket = path;
      request.body = R"({"Image":"x"})";
      auto response = transport.perform(request);
      REQUIRE(response);
      CHECK(response->status == 404);
      CHECK_FALSE(response->ok());
      CHECK(response->body == "{\"message\":\"no such image\"}");
      CHECK(seen_body == R"({"Image":"x"})");
    }
    std::filesystem::remove(path);
    {
      OneShotServer server(path, [](const std::string&, const std::string&) { return ""; });
      jobc::CurlTransport transport;
      jobc::HttpRequest request;
      request.url = "http://localhost/_ping";
      request.unix_socket = path;
      request.timeout_ms = 200;
      auto response = transport.perform(request);
      REQUIRE_FALSE(response);
      CHECK(response.error().kind == jobc::HttpError::Kind::Timeout);
      CHECK(response.error().message.find("unix://" + path) == 0);
    }
    CHECK(jobc::url_encode("127.0.0.1:5000/a b") == "127.0.0.1%3A5000%2Fa%20b");
  }
}
