// Small text helpers every layer needs, written once: ASCII case and surrounding whitespace.
#pragma once

#include <string>
#include <string_view>

namespace jobc {

// `text` without leading and trailing whitespace (space, \t, \n, \v, \f, \r).
std::string trim(std::string_view text);

// `text` with A-Z made a-z; other bytes (UTF-8 included) are kept as they are.
std::string lower(std::string_view text);

// Equal but for the case of A-Z ("Content-Type" and "content-type").
bool iequals(std::string_view a, std::string_view b);

}  // namespace jobc
