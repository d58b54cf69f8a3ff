// Who may use `jobc ui`: whoever holds the token made at its start (printed in its URL, as
// Jupyter does). The URL's ?token= is traded for a cookie on the first page load; requests
// that change something (cancel) must also carry the token in a header and come from the
// page's own origin, so another site's page cannot make the browser send them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "jobc/result.h"

namespace jobc::ui {

// 32 random bytes as 64 hex digits.
Result<std::string> new_access_token();

// Compares in a time that does not depend on where they differ.
bool same_token(std::string_view expected, std::string_view given);

// The value of cookie `name` in a Cookie header, or empty.
std::string cookie_value(std::string_view header, std::string_view name);

// Whether an Origin header names the server that the Host header names (http://HOST).
bool same_origin(std::string_view origin, std::string_view host);

// Whether the Host header is one of `allowed` (DNS rebinding: another name resolving to
// 127.0.0.1 is another origin, and it must not reach the server).
bool known_host(std::string_view host, const std::vector<std::string>& allowed);

}  // namespace jobc::ui
