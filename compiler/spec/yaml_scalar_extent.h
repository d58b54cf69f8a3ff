// Where a YAML scalar's text ends. yaml-cpp marks where a node starts, not where it ends;
// diagnostics need the end to mask a secret value in the source lines they show.
#pragma once

#include <cstddef>
#include <string_view>

namespace jobc {

// The offset just past the scalar starting at `begin` in `text`: a quoted scalar up to its
// closing quote; a plain or block scalar to the end of its line (before a " #" comment on
// the first line) and over every following line that is blank or indented more than
// `parent_indent` (the indentation of the key that holds it). Errs long, never short, for
// scalars in block context. Adds the bytes it read to `scanned`.
size_t scalar_text_end(std::string_view text, size_t begin, size_t parent_indent, size_t& scanned);

// The offset just past the closing quote of the '...' or "..." scalar starting at `begin`, or
// npos when it has none (yaml-cpp then takes the rest of the file as its value).
size_t quoted_scalar_end(std::string_view text, size_t begin);

}  // namespace jobc
