#include "spec/text_checks.h"

#include <fmt/format.h>

namespace jobc {
namespace {

// Length of the UTF-8 sequence starting at bytes[i], or 0 when it is not valid UTF-8
// (overlong forms, surrogates and code points above U+10FFFF included).
size_t utf8_sequence_length(std::string_view bytes, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(bytes[k]); };
  unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
  if (length == 0 || lead > 0xF4 || i + length > bytes.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  unsigned char second = byte(i + 1);
  if (lead == 0xE0 && second < 0xA0) return 0;  // overlong
  if (lead == 0xED && second > 0x9F) return 0;  // surrogate
  if (lead == 0xF0 && second < 0x90) return 0;  // overlong
  if (lead == 0xF4 && second > 0x8F) return 0;  // above U+10FFFF
  return length;
}

// Built field by field: GCC 12 at -O3 wrongly reports the aggregate's string as
// maybe-uninitialized (-Werror).
TextProblem problem_at(int line, int column, std::string message) {
  TextProblem problem;
  problem.location.line = line;
  problem.location.column = column;
  problem.message = std::move(message);
  return problem;
}

}  // namespace

std::optional<TextProblem> check_text(std::string_view bytes) {
  int line = 1;
  int column = 1;
  for (size_t i = 0; i < bytes.size();) {
    if (bytes[i] == '\0') {
      return problem_at(line, column, "file contains a NUL byte; it looks binary, not YAML");
    }
    size_t length = utf8_sequence_length(bytes, i);
    if (length == 0) {
      return problem_at(
          line, column,
          fmt::format("byte 0x{:02X} is not valid UTF-8; spec files must be UTF-8 text",
                      static_cast<unsigned char>(bytes[i])));
    }
    if (bytes[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += length;
  }
  return std::nullopt;
}

}  // namespace jobc
