#include "cli/spec_options.h"

namespace jobc::cli {

void add_spec_options(CLI::App& command, SpecOptions& options) {
  command.add_option("--kind", options.kind, "spec kind when it cannot be recognised")
      ->check(CLI::IsMember({"job", "command", "sweep", "environment", "compute"}));
  command
      .add_option("--set", options.overrides,
                  "override a field before validation: key.path=value (repeatable)")
      ->allow_extra_args(false);
}

bool to_validate_options(const SpecOptions& options, ValidateOptions& out, DiagnosticSink& sink) {
  out.forced_kind = options.kind;
  bool ok = true;
  for (const std::string& argument : options.overrides) {
    Override parsed;
    if (parse_override(argument, parsed, sink)) {
      out.overrides.push_back(std::move(parsed));
    } else {
      ok = false;
    }
  }
  return ok;
}

}  // namespace jobc::cli
