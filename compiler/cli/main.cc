// jobc's entry point: hands the command line to the command dispatcher.
#include "cli/commands.h"

int main(int argc, char** argv) {
  return jobc::cli::run(argc, argv);
}
