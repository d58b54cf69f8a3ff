// Shell completion scripts generated from the command tree (`jobc completion SHELL`), so
// they offer exactly the commands and options --help lists.
#pragma once

#include <string>

#include "cli/command_tree.h"

namespace jobc::cli {

std::string bash_completion(const CommandInfo& root);
std::string zsh_completion(const CommandInfo& root);
std::string fish_completion(const CommandInfo& root);

}  // namespace jobc::cli
