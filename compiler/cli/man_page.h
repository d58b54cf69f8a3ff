// jobc.1, the man page, generated from the same command tree as --help.
#pragma once

#include <string>
#include <string_view>

#include "cli/command_tree.h"

namespace jobc::cli {

std::string man_page(const CommandInfo& root, std::string_view version);

}  // namespace jobc::cli
