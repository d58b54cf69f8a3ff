// The `${{inputs.x}}`, `${{outputs.y}}` and `${{search_space.z}}` references in a command.
#pragma once

#include <string>
#include <vector>

#include "jobc/model/job.h"

namespace jobc {

using model::CommandReference;

std::vector<CommandReference> find_command_references(const std::string& command);

}  // namespace jobc
