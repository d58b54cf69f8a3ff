// jobc's entry point: hands the command line to the command dispatcher.
#include "cli/commands.h"
#include "jobc/backend_registry.h"

int main(int argc, char** argv) {
  jobc::install_backend_rules();
  return jobc::cli::run(argc, argv);
}
