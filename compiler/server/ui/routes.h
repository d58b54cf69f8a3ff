// `jobc ui`'s HTTP side: the page's assets, the JSON API (api.h), the log's live tail
// (server-sent events), downloads, cancel; and the rules every request passes first (access.h):
// a known Host, the token, for a POST the token in a header and the page's own Origin. Every
// answer carries a Content-Security-Policy allowing scripts from the server's own assets only.
#pragma once

#include <httplib.h>

#include <mutex>
#include <string>
#include <vector>

#include "server/ui/api.h"

namespace jobc::ui {

struct UiAccess {
  std::string token;
  std::string cookie_name;                 // "jobc_ui_<port>": a cookie per server
  std::vector<std::string> allowed_hosts;  // Host headers served; empty: any (--host given)
};

inline constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

// The Host headers a server listening on `host`:`port` answers: its loopback names for a
// loopback address, any otherwise (the token still guards it).
std::vector<std::string> loopback_hosts(const std::string& host, int port);

// Installs every route on `server`. `api` is used under `lock` (one store connection);
// `access` must outlive the server.
void install_ui_routes(httplib::Server& server, UiApi& api, std::mutex& lock,
                       const UiAccess& access);

}  // namespace jobc::ui
