// Test helper: a real HTTPS server on 127.0.0.1 (Python's http.server behind TLS) with a
// throwaway CA made by openssl in a temporary folder. It serves the files of files(), with
// the ETag written in NAME.etag beside a file (or none when there is no such file), answers
// 304 to a matching If-None-Match, 500 to /error, and logs every request as
// "METHOD PATH STATUS BODY_BYTES" in requests(). Clients trust it through ca_file(), as
// SSL_CERT_FILE or CURL_CA_BUNDLE. It stops with the object (and by itself after 10 minutes).
#pragma once

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "common/run_command.h"
#include "common/temp_dir.h"

namespace jobc::testing {

class HttpsServer {
 public:
  HttpsServer() {
    std::filesystem::create_directories(files());
    make_certificates();
    std::ofstream(dir_.path / "server.py") << kServer;
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0);
      execl("/usr/bin/timeout", "timeout", "600", "/usr/bin/python3",
            (dir_.path / "server.py").c_str(), dir_.path.c_str(), nullptr);
      _exit(127);
    }
    for (int i = 0; i < 500 && port_ == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      std::string text = slurp(dir_.path / "port");
      if (!text.empty() && text.back() == '\n') port_ = std::stoi(text);
    }
    REQUIRE_MESSAGE(port_ != 0, "the HTTPS test server did not start");
  }
  ~HttpsServer() {
    if (pid_ > 0) {
      kill(-pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  HttpsServer(const HttpsServer&) = delete;
  HttpsServer& operator=(const HttpsServer&) = delete;

  std::filesystem::path files() const { return dir_.path / "files"; }
  std::filesystem::path ca_file() const { return dir_.path / "ca.pem"; }
  std::string url(const std::string& path) const {
    return "https://127.0.0.1:" + std::to_string(port_) + path;
  }
  // Serves `content` at /NAME with `etag` ("" for none).
  void serve(const std::string& name, const std::string& content, const std::string& etag) const {
    std::ofstream(files() / name, std::ios::binary) << content;
    std::filesystem::remove(files() / (name + ".etag"));
    if (!etag.empty()) std::ofstream(files() / (name + ".etag")) << etag;
  }
  std::string requests() const { return slurp(dir_.path / "requests.log"); }

 private:
  void make_certificates() const {
    std::string in = "cd " + shell_quote(dir_.path.string()) + " && ";
    std::string key = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    auto made = run_command(
        in + "printf 'subjectAltName=IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\n' >ext && " +
        "openssl req -x509" + key +
        " -keyout ca.key -out ca.pem -days 2 -subj /CN=jobc-test-ca && " + "openssl req" + key +
        " -keyout server.key -out server.csr -subj /CN=127.0.0.1 && " +
        "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial " +
        "-out server.pem -days 2 -extfile ext");
    REQUIRE_MESSAGE(made.status == 0, made.err);
  }

  static constexpr const char* kServer = R"PY(
import http.server, os, ssl, sys
root = sys.argv[1]

class Handler(http.server.BaseHTTPRequestHandler):
    def answer(self, status, body=b"", etag=""):
        self.send_response(status)
        if etag:
            self.send_header("ETag", etag)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)
        with open(os.path.join(root, "requests.log"), "a") as log:
            log.write("%s %s %d %d\n" % (self.command, self.path, status,
                                         0 if status == 304 else len(body)))

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/error":
            return self.answer(500, b"internal error\n")
        name = os.path.join(root, "files", os.path.basename(path))
        if not os.path.isfile(name) or name.endswith(".etag"):
            return self.answer(404, b"not found\n")
        etag = ""
        if os.path.isfile(name + ".etag"):
            etag = open(name + ".etag").read().strip()
        if etag and self.headers.get("If-None-Match") == etag:
            return self.answer(304, etag=etag)
        self.answer(200, open(name, "rb").read(), etag)

    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(os.path.join(root, "server.pem"), os.path.join(root, "server.key"))
server.socket = context.wrap_socket(server.socket, server_side=True)
with open(os.path.join(root, "port.tmp"), "w") as out:
    out.write("%d\n" % server.server_address[1])
os.rename(os.path.join(root, "port.tmp"), os.path.join(root, "port"))
server.serve_forever()
)PY";

  TempDir dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace jobc::testing
