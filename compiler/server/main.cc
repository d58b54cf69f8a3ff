// jobc-server: jobc's network servers, in a process of their own so that jobc itself links no
// HTTP server library (its start-up stays that of a static binary). Started by jobc, not by
// hand: `jobc-server track` is a run's MLflow tracking endpoint, `jobc-server ui` the web page of
// runs (`jobc ui`).
#include <iostream>
#include <string>

#include "server/tracking_server.h"
#include "server/ui/report.h"
#include "server/ui/ui_main.h"

int main(int argc, char** argv) {
  std::string command = argc > 1 ? argv[1] : "";
  if (command == "track") return jobc::tracking_server_main(std::cin, std::cout);
  if (command == "ui") return jobc::ui::ui_server_main(argc, argv);
  if (command == "report") return jobc::ui::report_main(argc, argv);
  std::cerr << "usage: jobc-server track   (started by jobc's run monitor; configuration on "
               "stdin)\n       jobc-server ui ...   (started by `jobc ui`)\n"
               "       jobc-server report -o FILE RUN_ID...   (started by `jobc runs report`)\n";
  return 2;
}
