// Which keys of a spec hold a secret. One rule for the checks that warn about inline
// secrets (W002) and for diagnostics, which mask such values wherever they would print them.
#pragma once

#include <string>
#include <string_view>

namespace jobc {

// PASSWORD, PASSWD, SECRET, TOKEN, API_KEY / APIKEY or ACCESS_KEY / ACCESSKEY in any case.
bool names_a_secret(std::string_view name);

// A key whose value is a secret: it names one and is not a reference to one (`password_env`
// and `token_file` say where the secret is; their values are not secret).
bool holds_secret(std::string_view key);

// True when a key on the JSON pointer's path holds a secret: "/environment/registry/password".
bool pointer_holds_secret(std::string_view pointer);

}  // namespace jobc
