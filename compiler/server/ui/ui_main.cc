#include "server/ui/ui_main.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <iostream>
#include <string>

#include "server/ui/access.h"
#include "server/ui/routes.h"

extern char** environ;

namespace jobc::ui {
namespace {

constexpr size_t kServerThreads = 32;

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: the system picks one
  bool open = false;
};

bool parse(int argc, char** argv, Options& options) {
  for (int i = 2; i < argc; ++i) {
    std::string word = argv[i];
    if (word == "--open") {
      options.open = true;
    } else if ((word == "--host" || word == "--port") && i + 1 < argc) {
      std::string value = argv[++i];
      if (word == "--host") {
        options.host = value;
      } else {
        try {
          options.port = std::stoi(value);
        } catch (const std::exception&) {
          return false;
        }
        if (options.port < 0 || options.port > 65535) return false;
      }
    } else {
      return false;
    }
  }
  return true;
}

bool is_loopback(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1";
}

// xdg-open, when there is one; its absence is no error (the URL is printed).
void open_browser(const std::string& url) {
  char program[] = "xdg-open";
  std::string argument = url;
  char* args[] = {program, argument.data(), nullptr};
  pid_t pid = 0;
  if (posix_spawnp(&pid, program, nullptr, nullptr, args, environ) != 0) {
    std::cerr << "jobc ui: cannot open a browser (no xdg-open): open the URL above\n";
  }
}

httplib::Server* serving = nullptr;

void stop_serving(int) {
  if (serving != nullptr) serving->stop();
}

}  // namespace

int ui_server_main(int argc, char** argv) {
  Options options;
  if (!parse(argc, argv, options)) {
    std::cerr << "usage: jobc-server ui [--host ADDRESS] [--port N] [--open]\n";
    return 2;
  }
  std::filesystem::path home = jobc_home();
  auto api = UiApi::open(home);
  if (!api) {
    std::cerr << "jobc ui: " << api.error().message << "\n";
    return 2;
  }
  auto token = new_access_token();
  if (!token) {
    std::cerr << "jobc ui: " << token.error().message << "\n";
    return 2;
  }
  if (!is_loopback(options.host)) {
    std::cerr << "warning: jobc ui listens on " << options.host
              << ", not only this machine: anyone who can reach it and has the URL's token sees "
                 "every run (and the traffic is not encrypted)\n";
  }
  std::mutex lock;
  httplib::Server server;
  // Each open page holds a connection for its log's live tail: more threads than httplib's
  // default 8, so a few tabs do not starve the others.
  server.new_task_queue = [] { return new httplib::ThreadPool(kServerThreads); };
  int port = options.port;
  if (port == 0) {
    port = server.bind_to_any_port(options.host);
  } else if (!server.bind_to_port(options.host, port)) {
    port = -1;
  }
  if (port <= 0) {
    std::cerr << "jobc ui: cannot listen on " << options.host << ":" << options.port << "\n";
    return 2;
  }
  UiAccess access{*token, "jobc_ui_" + std::to_string(port), loopback_hosts(options.host, port)};
  install_ui_routes(server, **api, lock, access);
  std::string shown_host =
      options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
  std::string url = "http://" + shown_host + ":" + std::to_string(port) + "/?token=" + *token;
  std::cout << "jobc ui: the runs of " << home.string() << " at\n  " << url << "\n(Ctrl-C stops it)"
            << std::endl;
  if (options.open) open_browser(url);
  serving = &server;
  signal(SIGINT, stop_serving);
  signal(SIGTERM, stop_serving);
  signal(SIGPIPE, SIG_IGN);
  server.listen_after_bind();
  serving = nullptr;
  return 0;
}

}  // namespace jobc::ui
