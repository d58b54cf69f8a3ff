// Writing a small state file so that a reader (another jobc, perhaps after this one was
// killed) sees either the old content or the new one, never half of it.
#pragma once

#include <filesystem>
#include <string>

namespace jobc {

// Writes `content` to `file` through FILE.tmp and a rename. False when it could not.
bool replace_file(const std::filesystem::path& file, const std::string& content);

}  // namespace jobc
