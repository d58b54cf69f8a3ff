// Times given on the command line: `--older-than 3d`, `--since 2h` or `--since 2026-11-30`.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace jobc::cli {

// A duration: a whole number and a unit, s, m, h, d or w ("90m", "3d"); in milliseconds.
std::optional<int64_t> parse_duration_ms(std::string_view text);
// A point in time, in milliseconds since the epoch: a duration before `now_ms`, a date
// (2026-11-30, its start) or a time (2026-11-30T12:00 or 2026-11-30T12:00:30), in UTC as
// jobc shows times, with or without a final Z.
std::optional<int64_t> parse_time_ms(std::string_view text, int64_t now_ms);

}  // namespace jobc::cli
