#include "cli/spec_options.h"

#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "codegen/digest_prefetch.h"
#include "jobc/diagnostic_render.h"

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

std::optional<CompiledSpec> load_and_compile(
    const std::string& command, const std::string& path, const SpecOptions& spec_options,
    const CompileOptions& compile_options, SourceManager& sources, int& exit_status,
    const std::function<void(const SpecPreview&)>& on_loaded) {
  DiagnosticSink sink;
  ValidateOptions options;
  exit_status = kExitUsage;
  if (!to_validate_options(spec_options, options, sink)) {
    render_diagnostics(sink.diagnostics(), sources, {}, std::cerr);
    return std::nullopt;
  }
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    std::cerr << "jobc " << command << ": no such file: " << path << "\n";
    return std::nullopt;
  }
  // Large inputs are hashed while the spec is validated (declared first: destroyed last).
  std::unique_ptr<DigestPrefetch> prefetch;
  options.on_loaded = [&prefetch, &on_loaded](const SpecPreview& preview) {
    // The prefetch's threads first: creating a thread waits for a dlopen the caller's hook
    // may start (the loader holds its lock throughout, about 5 ms for libcurl).
    prefetch = std::make_unique<DigestPrefetch>(preview.local_paths);
    if (on_loaded) on_loaded(preview);
  };
  auto spec = load_and_validate(path, options, sources, sink);
  std::optional<CompiledSpec> compiled;
  if (spec && !sink.has_errors()) {
    try {
      CompileOptions with_prefetch = compile_options;
      with_prefetch.prefetch = prefetch.get();
      CompileResult result = compile_spec(*spec, with_prefetch, sink);
      compiled = CompiledSpec{std::move(*spec), std::move(result)};
    } catch (const std::exception& e) {
      std::cerr << "jobc " << command << ": " << e.what() << "\n";
      return std::nullopt;
    }
  }
  sink.sort();
  render_diagnostics(sink.diagnostics(), sources, {}, std::cerr);
  if (!compiled || sink.has_errors()) {
    exit_status = kExitInvalid;
    return std::nullopt;
  }
  exit_status = kExitOk;
  return compiled;
}

}  // namespace jobc::cli
