// The `${{inputs.x}}`, `${{outputs.y}}` and `${{search_space.z}}` references in a command.
#pragma once

#include <string>
#include <vector>

namespace jobc {

struct CommandReference {
  std::string scope;  // "inputs", "outputs", "search_space"
  std::string name;
  std::string text;        // the whole "${{inputs.x}}"
  size_t offset;           // byte offset in the command
  bool has_parts = false;  // "${{inputs.x.path}}": more after the name
};

std::vector<CommandReference> find_command_references(const std::string& command);

}  // namespace jobc
