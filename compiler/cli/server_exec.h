// Commands served by jobc-server (the program beside jobc that links the HTTP library and the
// page's assets): jobc becomes it, so signals and exit status are the server's own.
#pragma once

#include <string>
#include <vector>

namespace jobc::cli {

// Replaces this process with `jobc-server ARGUMENTS...`; returns (kExitUsage, having said
// why on stderr) only when it cannot. `command` names the jobc command in the message.
int exec_server(const std::vector<std::string>& arguments, const std::string& command);

}  // namespace jobc::cli
