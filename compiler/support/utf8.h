// UTF-8 <-> code points, for code that must count, compare or classify characters the way
// Python does (one Python str character = one code point).
#pragma once

#include <string>
#include <string_view>

namespace jobc {

// Invalid or truncated sequences (and encoded surrogates) each become U+FFFD.
std::u32string decode_utf8(std::string_view bytes);
std::string encode_utf8(std::u32string_view text);
void append_utf8(std::string& out, char32_t code_point);

bool is_valid_utf8(std::string_view bytes);
// Any bytes as text safe for a message (and for JSON): valid UTF-8 is kept, each invalid byte
// and each control character is written as \xNN, a backslash as \\ (so "\xff" in the output
// can only come from the byte 0xff).
std::string printable_utf8(std::string_view bytes);

}  // namespace jobc
