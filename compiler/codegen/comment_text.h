// User text (a spec's file name, a path) written into a '#' comment of a generated file.
#pragma once

#include <string>
#include <string_view>

namespace jobc {

// `text` on one comment line: a line break would end the comment and start a shell command
// or a Dockerfile instruction, so every control character is written as an escape (\n, \r,
// \t, \xHH), and so is '\', which keeps the escaped form unambiguous.
std::string comment_text(std::string_view text);

}  // namespace jobc
