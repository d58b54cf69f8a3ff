// yaml-cpp's syntax errors ("end of map not found", "illegal map value") said the way a person
// would say them: what is wrong with the text at the mark, and where exactly.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace jobc {

struct YamlSyntaxProblem {
  int line;    // 1-based
  int column;  // 1-based
  int length;  // columns to underline; 0: the token at the column
  std::string message;
  std::vector<std::string> notes;
};

// `line` and `column` (1-based) are where yaml-cpp stopped, `message` what it said.
YamlSyntaxProblem explain_yaml_error(std::string_view text, int line, int column,
                                     const std::string& message);

}  // namespace jobc
