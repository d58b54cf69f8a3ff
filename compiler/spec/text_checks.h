// Checks that bytes are text jobc can parse: valid UTF-8 without NUL bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "jobc/diagnostics.h"

namespace jobc {

struct TextProblem {
  Location location;  // file left empty: the caller fills it in
  std::string message;
};

std::optional<TextProblem> check_text(std::string_view bytes);

}  // namespace jobc
