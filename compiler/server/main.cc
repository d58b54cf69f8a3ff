// jobc-server: jobc's network servers, in a process of their own so that jobc itself links no
// HTTP server library (its start-up stays that of a static binary). Started by jobc, not by
// hand: `jobc-server track` is a run's MLflow tracking endpoint.
#include <iostream>
#include <string>

#include "server/tracking_server.h"

int main(int argc, char** argv) {
  std::string command = argc > 1 ? argv[1] : "";
  if (command == "track") return jobc::tracking_server_main(std::cin, std::cout);
  std::cerr << "usage: jobc-server track   (started by jobc's run monitor; configuration on "
               "stdin)\n";
  return 2;
}
