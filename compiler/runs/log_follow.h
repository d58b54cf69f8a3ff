// Following a run's log file as it grows, as `jobc submit --stream` and
// `jobc runs logs --follow` show it.
#pragma once

#include <csignal>
#include <filesystem>
#include <functional>
#include <ostream>

namespace jobc {

// Copies `file` to `out` from `offset` on, as it grows, until `finished()` returns true and
// everything written before then has been copied, or until `*interrupted` becomes non-zero.
// Returns the offset reached. Woken by inotify when the file's folder changes (new lines,
// the run's final status file), else polling every few milliseconds; `finished()` is also
// checked every 100 ms.
size_t follow_log(const std::filesystem::path& file, std::ostream& out,
                  const std::function<bool()>& finished,
                  const volatile std::sig_atomic_t* interrupted, size_t offset = 0);

// Copies what `file` holds now.
void print_log(const std::filesystem::path& file, std::ostream& out);

}  // namespace jobc
