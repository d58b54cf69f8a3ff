// Options every spec-reading command shares: --kind and --set.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

#include "jobc/compile.h"
#include "jobc/validate.h"

namespace jobc::cli {

struct SpecOptions {
  std::string kind;
  std::vector<std::string> overrides;
};

void add_spec_options(CLI::App& command, SpecOptions& options);
// Parses the --set arguments; reports E009 and returns false when one is malformed.
bool to_validate_options(const SpecOptions& options, ValidateOptions& out, DiagnosticSink& sink);

struct CompiledSpec {
  LoadedSpec spec;
  CompileResult result;
};

// Loads, validates and compiles the spec `command` was given, into the command's one
// `sources`. On failure prints every diagnostic and sets `exit_status` (2 usage or I/O
// error, 1 invalid spec); on success prints the warnings. `on_loaded`, if set, sees the
// local paths it names as soon as it is loaded (to start hashing them).
std::optional<CompiledSpec> load_and_compile(
    const std::string& command, const std::string& path, const SpecOptions& spec_options,
    const CompileOptions& compile_options, SourceManager& sources, int& exit_status,
    const std::function<void(const SpecPreview&)>& on_loaded = {});

}  // namespace jobc::cli
