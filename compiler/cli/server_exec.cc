#include "cli/server_exec.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "cli/commands.h"
#include "runs/tracking/tracking_process.h"

namespace jobc::cli {

int exec_server(const std::vector<std::string>& arguments, const std::string& command) {
  std::string program = server_executable().string();
  std::vector<std::string> words = {program};
  words.insert(words.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (std::string& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  ::execv(program.c_str(), argv.data());
  std::cerr << command << ": cannot start " << program << ": " << std::strerror(errno)
            << " (install jobc-server beside jobc)\n";
  return kExitUsage;
}

}  // namespace jobc::cli
