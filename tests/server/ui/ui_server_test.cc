// The UI server over HTTP, as a browser reaches it: its access rules, headers and downloads.
#include <doctest/doctest.h>
#include <httplib.h>

#include <fstream>
#include <thread>

#include "server/ui/assets.h"
#include "server/ui/log_stream.h"
#include "server/ui/routes.h"
#include "server/ui/ui_store.h"

namespace jobc::ui {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// A UI server on a free loopback port over a fresh store holding one ended run.
struct UiServer : testing::UiStore {
  std::mutex lock;
  httplib::Server server;
  UiAccess access;
  int port = 0;
  std::thread thread;

  UiServer() : UiStore("<script>alert(1)</script>") {
    fs::path dir = run_dir();
    fs::create_directories(dir / "work" / "outputs");
    std::ofstream(dir / "work" / "outputs" / "model.txt") << "weights";
    std::ofstream(dir / "std_log.txt") << "<b>bold</b>\nline 2\n";
    fs::create_symlink("/etc/passwd", dir / "work" / "outputs" / "passwd");
    fs::create_directory_symlink(dir, dir / "work" / "outputs" / "up");
    port = server.bind_to_any_port("127.0.0.1");
    REQUIRE(port > 0);
    access = {"t0ken", "jobc_ui_" + std::to_string(port), loopback_hosts("127.0.0.1", port)};
    install_ui_routes(server, *api, lock, access);
    thread = std::thread([this] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~UiServer() {
    server.stop();
    thread.join();
  }
  httplib::Client client() const { return httplib::Client("127.0.0.1", port); }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port); }
  std::string download(const std::string& raw_path) const {
    return "/api/runs/" + run.id + "/download?root=outputs&path=" + raw_path + "&token=t0ken";
  }
};

}  // namespace

TEST_SUITE("ui") {
  TEST_CASE("a request without the token is refused, with the security headers all the same") {
    UiServer ui;
    auto reply = ui.client().Get("/api/runs");
    REQUIRE(reply);
    CHECK(reply->status == 401);
    CHECK(reply->body.find(ui.run.id) == std::string::npos);
    CHECK(reply->get_header_value("Content-Security-Policy").find("script-src 'self'") !=
          std::string::npos);
    CHECK(ui.client().Get("/api/runs?token=wrong")->status == 401);
    CHECK(ui.client().Get("/")->status == 401);
  }

  TEST_CASE("the URL's token is traded for a cookie, which then opens every page") {
    UiServer ui;
    auto first = ui.client().Get("/?token=t0ken");
    REQUIRE(first);
    CHECK(first->status == 303);
    CHECK(first->get_header_value("Location") == "/");
    std::string cookie = first->get_header_value("Set-Cookie");
    CHECK(cookie.find("HttpOnly") != std::string::npos);
    CHECK(cookie.find("SameSite=Strict") != std::string::npos);
    httplib::Headers with_cookie = {{"Cookie", cookie.substr(0, cookie.find(';'))}};
    auto page = ui.client().Get("/", with_cookie);
    REQUIRE(page);
    CHECK(page->status == 200);
    CHECK(page->get_header_value("Content-Type").find("text/html") == 0);
    auto runs = ui.client().Get("/api/runs", with_cookie);
    REQUIRE(runs);
    CHECK(runs->status == 200);
    json body = json::parse(runs->body);
    CHECK(body["total"] == 1);
    CHECK(body["runs"][0]["name"] == "<script>alert(1)</script>");
  }

  TEST_CASE("the CSP forbids inline scripts, and the page has none") {
    UiServer ui;
    auto page = ui.client().Get("/?token=t0ken&x=1", httplib::Headers{{"X-Jobc-Token", "t0ken"}});
    std::string csp = page->get_header_value("Content-Security-Policy");
    CHECK(csp.find("script-src 'self';") != std::string::npos);
    CHECK(csp.find("unsafe-inline") == std::string::npos);
    CHECK(csp.find("default-src 'none'") != std::string::npos);
    CHECK(page->get_header_value("X-Content-Type-Options") == "nosniff");
    std::string html(*embedded::find(embedded::ui(), "index.html"));
    for (size_t at = html.find("<script"); at != std::string::npos;
         at = html.find("<script", at + 1)) {
      std::string tag = html.substr(at, html.find('>', at) - at);
      CHECK_MESSAGE(tag.find(" src=") != std::string::npos, tag);
    }
  }

  TEST_CASE("a download is served from the run's outputs as an attachment") {
    UiServer ui;
    auto reply = ui.client().Get(ui.download("model.txt"));
    REQUIRE(reply);
    CHECK(reply->status == 200);
    CHECK(reply->body == "weights");
    CHECK(reply->get_header_value("Content-Disposition").find("attachment") == 0);
    CHECK(reply->get_header_value("Content-Type") == "application/octet-stream");
  }

  TEST_CASE("a download cannot leave the run's folder: ../, encoded slashes and dots, links") {
    UiServer ui;
    for (const char* path : {"../../run.json", "..%2f..%2frun.json", "%2e%2e%2f%2e%2e%2frun.json",
                             "%2e%2e/%2e%2e/std_log.txt", "%252e%252e%252frun.json", "passwd",
                             "up/run.json", "/etc/passwd", "%2fetc%2fpasswd"}) {
      auto reply = ui.client().Get(ui.download(path));
      REQUIRE(reply);
      CHECK_MESSAGE(reply->status == 404, path);
      CHECK_MESSAGE(reply->body.find("root:") == std::string::npos, path);
    }
    auto other_root =
        ui.client().Get("/api/runs/" + ui.run.id + "/download?root=..&path=run.json&token=t0ken");
    CHECK(other_root->status == 400);
    auto listing =
        ui.client().Get("/api/runs/" + ui.run.id + "/files?root=outputs&path=up&token=t0ken");
    CHECK(listing->status == 404);
  }

  TEST_CASE("a listing leaves symbolic links out") {
    UiServer ui;
    auto reply = ui.client().Get("/api/runs/" + ui.run.id + "/files?root=outputs&token=t0ken");
    REQUIRE(reply);
    json body = json::parse(reply->body);
    REQUIRE(body["entries"].size() == 1);
    CHECK(body["entries"][0]["name"] == "model.txt");
  }

  TEST_CASE("a cancel needs the token in a header and the page's own origin") {
    UiServer ui;
    std::string path = "/api/runs/" + ui.run.id + "/cancel";
    std::string cookie = "jobc_ui_" + std::to_string(ui.port) + "=t0ken";
    // The cookie alone is what another site's form would send: refused.
    CHECK(ui.client()
              .Post(path, httplib::Headers{{"Cookie", cookie}, {"Origin", ui.origin()}}, "",
                    "text/plain")
              ->status == 403);
    CHECK(ui.client()
              .Post(path + "?token=t0ken", httplib::Headers{{"Origin", ui.origin()}}, "",
                    "text/plain")
              ->status == 403);
    CHECK(ui.client()
              .Post(path, httplib::Headers{{"X-Jobc-Token", "t0ken"}}, "", "text/plain")
              ->status == 403);
    CHECK(ui.client()
              .Post(path,
                    httplib::Headers{{"X-Jobc-Token", "t0ken"}, {"Origin", "http://evil.example"}},
                    "", "text/plain")
              ->status == 403);
    auto allowed =
        ui.client().Post(path, httplib::Headers{{"X-Jobc-Token", "t0ken"}, {"Origin", ui.origin()}},
                         "", "text/plain");
    REQUIRE(allowed);
    CHECK(allowed->status == 200);  // an ended run: canceling it changes nothing
  }

  TEST_CASE("another host name for the loopback address is refused (DNS rebinding)") {
    UiServer ui;
    auto reply =
        ui.client().Get("/api/runs?token=t0ken",
                        httplib::Headers{{"Host", "evil.example:" + std::to_string(ui.port)}});
    REQUIRE(reply);
    CHECK(reply->status == 403);
  }

  TEST_CASE("a metric of 100,000 points reaches the page downsampled") {
    UiServer ui;
    TrackingBatch batch;
    for (int i = 0; i < 100000; ++i) batch.metrics.push_back({"loss", 1.0 / (i + 1), i, i});
    REQUIRE(ui.api->metrics().record(ui.run.id, batch));
    auto reply = ui.client().Get("/api/runs/" + ui.run.id + "/metrics?key=loss&token=t0ken");
    REQUIRE(reply);
    json body = json::parse(reply->body);
    CHECK(body["total"] == 100000);
    CHECK(body["points"].size() == 1000);
    auto zoomed = ui.client().Get("/api/runs/" + ui.run.id +
                                  "/metrics?key=loss&min_step=10&max_step=20&token=t0ken");
    CHECK(json::parse(zoomed->body)["points"].size() == 11);
  }

  TEST_CASE("log lines become one server-sent event each, a partial line waits") {
    std::string events;
    size_t used = log_events("a <b>\r\nsecond\npart", events);
    CHECK(events == "data: a <b>\n\ndata: second\n\n");
    CHECK(used == 14);
  }
}

}  // namespace jobc::ui
