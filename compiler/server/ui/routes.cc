#include "server/ui/routes.h"

#include <fmt/format.h>

#include <fstream>

#include "runs/cancel.h"
#include "server/ui/access.h"
#include "server/ui/assets.h"
#include "server/ui/log_stream.h"
#include "server/ui/safe_path.h"

namespace jobc::ui {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using httplib::Request;
using httplib::Response;

Query query_of(const Request& request) {
  Query query;
  for (const auto& [name, value] : request.params) query.emplace(name, value);
  return query;
}

void answer(Response& response, const ApiAnswer& answer) {
  response.status = answer.status;
  response.set_content(answer.body.dump(-1, ' ', false, json::error_handler_t::replace),
                       "application/json");
}

void refuse(Response& response, int status, const std::string& why) {
  response.status = status;
  response.set_content(json{{"error", why}}.dump(), "application/json");
}

std::string content_type(std::string_view name) {
  auto ends = [&](std::string_view suffix) {
    return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

// RFC 5987: a file name of any bytes in Content-Disposition.
std::string attachment(const std::string& name) {
  std::string encoded;
  for (unsigned char c : name) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
      encoded += static_cast<char>(c);
    } else {
      encoded += fmt::format("%{:02X}", c);
    }
  }
  return "attachment; filename*=UTF-8''" + encoded;
}

// The checks every request passes before its route: Handled means refused (or redirected).
httplib::Server::HandlerResponse check_access(const UiAccess& access, const Request& request,
                                              Response& response) {
  const std::string host = request.get_header_value("Host");
  if (!access.allowed_hosts.empty() && !known_host(host, access.allowed_hosts)) {
    refuse(response, 403, "unknown Host header");
    return httplib::Server::HandlerResponse::Handled;
  }
  const std::string header_token = request.get_header_value("X-Jobc-Token");
  if (request.method != "GET" && request.method != "HEAD") {
    if (!same_token(access.token, header_token)) {
      refuse(response, 403, "a change needs the access token in X-Jobc-Token");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (!same_origin(request.get_header_value("Origin"), host)) {
      refuse(response, 403, "a change must come from the page's own origin");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  }
  if (same_token(access.token, request.get_param_value("token"))) {
    if (request.path == "/") {  // trade the URL's token for a cookie, and drop it from the URL
      response.status = 303;
      response.set_header("Location", "/");
      response.set_header("Set-Cookie", access.cookie_name + "=" + access.token +
                                            "; Path=/; HttpOnly; SameSite=Strict");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  }
  if (same_token(access.token,
                 cookie_value(request.get_header_value("Cookie"), access.cookie_name)) ||
      same_token(access.token, header_token)) {
    return httplib::Server::HandlerResponse::Unhandled;
  }
  response.status = 401;
  response.set_content(
      "jobc ui: no access token; open the URL `jobc ui` printed (it carries the token)\n",
      "text/plain; charset=utf-8");
  return httplib::Server::HandlerResponse::Handled;
}

void serve_download(UiApi& api, std::mutex& lock, const Request& request, Response& response) {
  const std::string id = request.matches[1];
  fs::path run_dir;
  {
    std::lock_guard hold(lock);
    if (!api.find(id)) return refuse(response, 404, "no run " + id);
    run_dir = api.store().run_dir(id);
  }
  auto root = browsable_root(run_dir, request.get_param_value("root"));
  if (!root) return refuse(response, 400, "root is outputs, logs or artifacts");
  auto file = resolve_inside(*root, request.get_param_value("path"));
  std::error_code ec;
  if (!file || !fs::is_regular_file(*file, ec)) {
    return refuse(response, 404, file ? "not a file" : file.error().message);
  }
  uintmax_t size = fs::file_size(*file, ec);
  auto in = std::make_shared<std::ifstream>(*file, std::ios::binary);
  response.set_header("Content-Disposition", attachment(file->filename().string()));
  response.set_content_provider(
      size, "application/octet-stream",
      [in](size_t offset, size_t length, httplib::DataSink& sink) {
        char buffer[64 * 1024];
        in->seekg(static_cast<std::streamoff>(offset));
        in->read(buffer, static_cast<std::streamsize>(std::min(length, sizeof buffer)));
        if (in->gcount() <= 0) return false;
        sink.write(buffer, static_cast<size_t>(in->gcount()));
        return true;
      });
}

}  // namespace

std::vector<std::string> loopback_hosts(const std::string& host, int port) {
  if (host != "127.0.0.1" && host != "localhost" && host != "::1") return {};
  std::string p = std::to_string(port);
  return {"127.0.0.1:" + p, "localhost:" + p, "[::1]:" + p};
}

void install_ui_routes(httplib::Server& server, UiApi& api, std::mutex& lock,
                       const UiAccess& access) {
  server.set_pre_routing_handler([&access](const Request& request, Response& response) {
    return check_access(access, request, response);
  });
  server.set_post_routing_handler([](const Request&, Response& response) {
    response.set_header("Content-Security-Policy", kContentSecurityPolicy);
    response.set_header("X-Content-Type-Options", "nosniff");
    response.set_header("Referrer-Policy", "no-referrer");
    response.set_header("X-Frame-Options", "DENY");
    response.set_header("Cache-Control", "no-store");
  });
  auto asset = [](const std::string& name, Response& response) {
    auto content = embedded::find(embedded::ui(), name);
    if (!content) return refuse(response, 404, "no asset " + name);
    response.set_content(std::string(*content), content_type(name).c_str());
  };
  server.Get("/", [asset](const Request&, Response& response) { asset("index.html", response); });
  server.Get("/favicon.ico", [](const Request&, Response& response) { response.status = 204; });
  server.Get(R"(/assets/([A-Za-z0-9_.-]+))", [asset](const Request& request, Response& response) {
    asset(request.matches[1], response);
  });
  server.Get("/api/session", [&access](const Request&, Response& response) {
    answer(response, {200, json{{"token", access.token}}});
  });
  // An API call under the lock: one store connection serves requests in turn.
  auto locked = [&api, &lock](auto call) {
    return [&api, &lock, call](const Request& request, Response& response) {
      std::lock_guard hold(lock);
      answer(response, call(api, request));
    };
  };
  server.Get("/api/runs", locked([](UiApi& a, const Request& r) { return a.runs(query_of(r)); }));
  server.Get(R"(/api/runs/([^/]+))",
             locked([](UiApi& a, const Request& r) { return a.run(r.matches[1]); }));
  server.Get(R"(/api/runs/([^/]+)/metrics)", locked([](UiApi& a, const Request& r) {
               return a.metric(r.matches[1], query_of(r));
             }));
  server.Get(R"(/api/runs/([^/]+)/log)",
             locked([](UiApi& a, const Request& r) { return a.log(r.matches[1]); }));
  server.Get(R"(/api/runs/([^/]+)/files)",
             locked([](UiApi& a, const Request& r) { return a.files(r.matches[1], query_of(r)); }));
  server.Get(R"(/api/runs/([^/]+)/sweep)",
             locked([](UiApi& a, const Request& r) { return a.sweep(r.matches[1]); }));
  server.Get("/api/compare",
             locked([](UiApi& a, const Request& r) { return a.compare(query_of(r)); }));
  server.Get(R"(/api/runs/([^/]+)/download)", [&api, &lock](const Request& r, Response& response) {
    serve_download(api, lock, r, response);
  });
  server.Get(R"(/api/runs/([^/]+)/log/stream)",
             [&api, &lock](const Request& r, Response& response) {
               stream_log(api, lock, r.matches[1], r.get_param_value("from"), response);
             });
  server.Post(R"(/api/runs/([^/]+)/cancel)", [&api, &lock](const Request& r, Response& response) {
    std::lock_guard hold(lock);
    const std::string id = r.matches[1];
    if (!api.find(id)) return refuse(response, 404, "no run " + id);
    Status canceled = cancel_run(api.store(), id);
    if (!canceled) return refuse(response, 500, canceled.error().message);
    answer(response, {200, json{{"canceling", id}}});
  });
}

}  // namespace jobc::ui
