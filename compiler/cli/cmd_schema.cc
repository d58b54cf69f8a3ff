// `jobc schema KIND`: prints an embedded JSON Schema (for editors and other tools).
#include <iostream>

#include "cli/commands.h"
#include "jobc/spec_kind.h"
#include "spec/schema_registry.h"

namespace jobc::cli {

Command add_schema_command(CLI::App& app) {
  CLI::App* command = app.add_subcommand(
      "schema", "Print the JSON Schema (draft-07) of a spec kind, as embedded in jobc");
  auto kind = std::make_shared<std::string>();
  command->add_option("KIND", *kind, "environment, compute, command_job (or job), sweep_job")
      ->required();
  command->footer(
      "Editors: put '# yaml-language-server: $schema=PATH' at the top of a spec, with PATH a\n"
      "file written by 'jobc schema KIND > PATH' (keep the four files side by side: job\n"
      "schemas refer to environment.schema.json).");
  return {command, [kind]() {
            auto parsed = parse_schema_name(*kind);
            if (!parsed) {
              std::cerr << "jobc schema: unknown kind '" << *kind
                        << "'; use environment, compute, command_job or sweep_job\n";
              return kExitUsage;
            }
            std::cout << schema_text(*parsed);
            return kExitOk;
          }};
}

}  // namespace jobc::cli
