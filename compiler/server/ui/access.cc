#include "server/ui/access.h"

#include "support/secret_token.h"

#include <algorithm>

namespace jobc::ui {

Result<std::string> new_access_token() {
  return new_secret_token("an access token");
}

bool same_token(std::string_view expected, std::string_view given) {
  return same_secret(expected, given);
}

std::string cookie_value(std::string_view header, std::string_view name) {
  size_t start = 0;
  while (start < header.size()) {
    size_t end = header.find(';', start);
    if (end == std::string_view::npos) end = header.size();
    std::string_view pair = header.substr(start, end - start);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name &&
        pair[name.size()] == '=') {
      return std::string(pair.substr(name.size() + 1));
    }
    start = end + 1;
  }
  return "";
}

bool same_origin(std::string_view origin, std::string_view host) {
  return !host.empty() && origin.size() == host.size() + 7 && origin.substr(0, 7) == "http://" &&
         origin.substr(7) == host;
}

bool known_host(std::string_view host, const std::vector<std::string>& allowed) {
  return std::find(allowed.begin(), allowed.end(), host) != allowed.end();
}

}  // namespace jobc::ui
