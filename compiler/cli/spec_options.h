// Options every spec-reading command shares: --kind and --set.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "jobc/validate.h"

namespace jobc::cli {

struct SpecOptions {
  std::string kind;
  std::vector<std::string> overrides;
};

void add_spec_options(CLI::App& command, SpecOptions& options);
// Parses the --set arguments; reports E009 and returns false when one is malformed.
bool to_validate_options(const SpecOptions& options, ValidateOptions& out, DiagnosticSink& sink);

}  // namespace jobc::cli
