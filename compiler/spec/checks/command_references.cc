#include "spec/checks/command_references.h"

#include <regex>

namespace jobc {

std::vector<CommandReference> find_command_references(const std::string& command) {
  static const std::regex reference(
      R"(\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z0-9_\-]+)(?:\.[A-Za-z0-9_]+)*\s*\}\})");
  std::vector<CommandReference> out;
  for (auto it = std::sregex_iterator(command.begin(), command.end(), reference);
       it != std::sregex_iterator(); ++it) {
    const std::smatch& match = *it;
    out.push_back(
        {match[1].str(), match[2].str(), match[0].str(), static_cast<size_t>(match.position(0))});
  }
  return out;
}

}  // namespace jobc
