// "Did you mean" suggestions by edit distance, as ninja and clang do.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jobc {

// Levenshtein distance, case-insensitive.
size_t edit_distance(std::string_view a, std::string_view b);

// The closest candidate when it is close enough to be a likely typo.
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

}  // namespace jobc
