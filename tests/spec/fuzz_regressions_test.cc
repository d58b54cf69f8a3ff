// Every input the fuzzer (tests/fuzz) found a crash, hang or abort with is replayed through
// loading, validation as every kind and rendering: each must end in diagnostics, no crash.
#include <doctest/doctest.h>

#include <filesystem>
#include <sstream>

#include "common/run_command.h"
#include "jobc/diagnostic_render.h"
#include "jobc/validate_document.h"

namespace fs = std::filesystem;

TEST_SUITE("spec") {
  TEST_CASE("fuzzer findings stay fixed") {
    fs::path dir = fs::path(JOBC_SOURCE_DIR) / "tests/fuzz/regressions";
    int replayed = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
      std::string name = entry.path().filename().string();
      CAPTURE(name);
      jobc::SourceManager sources;
      jobc::DiagnosticSink sink;
      auto doc = jobc::load_spec_text(jobc::testing::slurp(entry.path()), name, dir, sources, sink);
      if (doc) {
        for (auto kind : {jobc::SpecKind::Environment, jobc::SpecKind::Compute,
                          jobc::SpecKind::CommandJob, jobc::SpecKind::SweepJob}) {
          jobc::validate_document(*doc, kind, sources, sink);
        }
      }
      CHECK(!sink.diagnostics().empty());
      for (auto format :
           {jobc::DiagFormat::Gcc, jobc::DiagFormat::Json, jobc::DiagFormat::Github}) {
        std::ostringstream out;
        jobc::render_diagnostics(sink.diagnostics(), sources, {format, false, false}, out);
        CHECK(!out.str().empty());
      }
      ++replayed;
    }
    CHECK(replayed >= 10);
  }
}
