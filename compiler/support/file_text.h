// Reading a whole file into memory, as bytes (no newline translation).
#pragma once

#include <filesystem>
#include <string>

#include "jobc/result.h"

namespace jobc {

// The content of `path`, or why it cannot be read ("cannot read 'PATH': No such file...").
Result<std::string> read_text(const std::filesystem::path& path);

}  // namespace jobc
