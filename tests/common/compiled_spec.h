// Test helper: a job spec written into a folder, validated and compiled, as `jobc compile`
// would see it (the test fails if the spec is invalid).
#pragma once

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "jobc/compile.h"
#include "jobc/validate.h"

namespace jobc::testing {

struct CompiledSpec {
  LoadedSpec spec;
  CompileResult result;
};

inline CompiledSpec compile_spec_text(const std::filesystem::path& dir, const std::string& yaml) {
  { std::ofstream(dir / "job.yml") << yaml; }
  SourceManager sources;
  DiagnosticSink sink;
  auto spec = load_and_validate((dir / "job.yml").string(), {}, sources, sink);
  REQUIRE(spec);
  REQUIRE_MESSAGE(!sink.has_errors(), sink.diagnostics().front().message);
  CompileResult result = compile_spec(*spec, {}, sink);
  REQUIRE_MESSAGE(!sink.has_errors(), sink.diagnostics().front().message);
  return {std::move(*spec), std::move(result)};
}

}  // namespace jobc::testing
