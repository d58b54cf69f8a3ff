// Azure ML's optional arguments in a command: `$[[--lr ${{inputs.lr}}]]` is kept, without its
// brackets, when every input it refers to has a value, and left out otherwise.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "jobc/model/job.h"

namespace jobc {

// The argument's text is [offset + 3, end - 2).
using model::OptionalArgument;

struct OptionalArgumentProblem {
  size_t offset;  // of the "$[[" at fault
  std::string message;
};

struct OptionalArguments {
  std::vector<OptionalArgument> arguments;  // in order, well formed
  std::vector<OptionalArgumentProblem> problems;
};

// Each "$[[" ends at the first "]]" after it. A "]]" alone is plain text (bash's `[[ ... ]]`).
OptionalArguments find_optional_arguments(std::string_view command);

// Whether byte `offset` of the command lies inside one of `arguments`.
bool inside_optional_argument(const std::vector<OptionalArgument>& arguments, size_t offset);

// A typed literal input (`type: string|integer|number|boolean`): its value is its `default`.
bool is_typed_literal(const nlohmann::json& input);

// Whether input `name` of `inputs` (a job's `inputs:` mapping) has a value: a literal, a typed
// literal with a `default`, a data input with a `path`. An undeclared input has none.
bool input_has_value(const nlohmann::json& inputs, const std::string& name);

}  // namespace jobc
