// Small ASCII scanners for the fixed patterns jobc checks on every spec (identifiers, URL
// schemes, image references). libstdc++ compiles each std::regex at run time, which was a
// quarter of a cold `jobc compile`, and its backtracking recursion can exhaust the stack on
// long values; these run in one pass with no allocation.
#pragma once

#include <string_view>

namespace jobc {

constexpr bool is_ascii_alpha(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
constexpr bool is_ascii_digit(char c) {
  return c >= '0' && c <= '9';
}
constexpr bool is_ascii_alnum(char c) {
  return is_ascii_alpha(c) || is_ascii_digit(c);
}
// ECMAScript's \s for one byte: space, \t, \n, \v, \f, \r.
constexpr bool is_regex_space(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r');
}
constexpr bool is_word_char(char c) {
  return is_ascii_alnum(c) || c == '_';
}

// The index of the first character at or after `from` that `accept` rejects.
template <typename Accept>
constexpr size_t skip_while(std::string_view text, size_t from, Accept accept) {
  while (from < text.size() && accept(text[from])) ++from;
  return from;
}

template <typename Accept>
constexpr bool all_of_nonempty(std::string_view text, Accept accept) {
  return !text.empty() && skip_while(text, 0, accept) == text.size();
}

// [A-Za-z_][A-Za-z0-9_]*
constexpr bool is_identifier(std::string_view text) {
  return !text.empty() && !is_ascii_digit(text[0]) && all_of_nonempty(text, is_word_char);
}

// The length of a leading "scheme://" ([A-Za-z][A-Za-z0-9+.-]*://), or 0 if there is none.
constexpr size_t url_scheme_length(std::string_view text) {
  if (text.empty() || !is_ascii_alpha(text[0])) return 0;
  size_t end = skip_while(
      text, 1, [](char c) { return is_ascii_alnum(c) || c == '+' || c == '.' || c == '-'; });
  return text.substr(end).starts_with("://") ? end + 3 : 0;
}

// An image reference as FROM takes it (registry.example.com/team/name:tag, name@sha256:...):
// no spaces or line breaks, so it cannot carry a second Dockerfile instruction.
constexpr bool is_image_reference(std::string_view image) {
  return !image.empty() && is_ascii_alnum(image[0]) && all_of_nonempty(image, [](char c) {
    return is_word_char(c) || c == '.' || c == '-' || c == '/' || c == ':' || c == '@';
  });
}

}  // namespace jobc
