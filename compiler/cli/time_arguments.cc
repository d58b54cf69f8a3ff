#include "cli/time_arguments.h"

#include <charconv>
#include <ctime>
#include <string>

namespace jobc::cli {

std::optional<int64_t> parse_duration_ms(std::string_view text) {
  int64_t count = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count);
  if (error != std::errc() || end == text.data() || end + 1 != text.data() + text.size() ||
      count < 0) {
    return std::nullopt;
  }
  int64_t unit_ms = 0;
  switch (*end) {
    case 's':
      unit_ms = 1000;
      break;
    case 'm':
      unit_ms = 60 * 1000;
      break;
    case 'h':
      unit_ms = 3600 * 1000;
      break;
    case 'd':
      unit_ms = 86400 * 1000;
      break;
    case 'w':
      unit_ms = 7 * 86400 * 1000LL;
      break;
    default:
      return std::nullopt;
  }
  if (count > INT64_MAX / unit_ms) return std::nullopt;
  return count * unit_ms;
}

std::optional<int64_t> parse_time_ms(std::string_view text, int64_t now_ms) {
  if (auto duration = parse_duration_ms(text)) return now_ms - *duration;
  std::string value(text);
  if (!value.empty() && (value.back() == 'Z' || value.back() == 'z')) value.pop_back();
  for (const char* format : {"%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"}) {
    std::tm parsed{};
    const char* end = strptime(value.c_str(), format, &parsed);
    if (end == nullptr || *end != '\0') continue;
    std::tm wanted = parsed;
    std::time_t seconds = timegm(&parsed);
    // timegm moves 2026-02-31 to March: such a date does not exist.
    if (parsed.tm_mday != wanted.tm_mday || parsed.tm_mon != wanted.tm_mon) return std::nullopt;
    return int64_t(seconds) * 1000;
  }
  return std::nullopt;
}

}  // namespace jobc::cli
