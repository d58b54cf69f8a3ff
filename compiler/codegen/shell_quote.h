// Quoting user values for the generated shell script, so no value can inject code.
#pragma once

#include <string>
#include <string_view>

namespace jobc {

// POSIX single quotes: 'it'\''s' – safe for any bytes, newlines and `$(...)` included.
std::string shell_quote(std::string_view value);

// True for names a shell accepts as a variable name.
bool is_shell_identifier(std::string_view name);

}  // namespace jobc
