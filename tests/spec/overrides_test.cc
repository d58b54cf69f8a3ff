// `--set key.path=value`: what it refuses before it reaches a spec.
#include <doctest/doctest.h>

#include "jobc/overrides.h"

TEST_SUITE("spec") {
  TEST_CASE("a --set argument that is not UTF-8 is refused, never written into the spec") {
    // Found by fuzz_compile (tests/fuzz/regressions/compile-set-value-not-utf8.bin): the
    // value reached the document, and compile's JSON threw type_error.316 on it.
    for (const char* argument : {"trial.command=python train.py\x8c", "name\xff=x"}) {
      CAPTURE(argument);
      jobc::DiagnosticSink sink;
      jobc::Override parsed;
      CHECK(!jobc::parse_override(argument, parsed, sink));
      REQUIRE(sink.diagnostics().size() == 1);
      CHECK(sink.diagnostics()[0].code == jobc::DiagCode::BadOverride);
      CHECK(sink.diagnostics()[0].message.find("not valid UTF-8") != std::string::npos);
    }
  }

  TEST_CASE("a --set of a secret keeps its key and masks its value for diagnostics") {
    jobc::DiagnosticSink sink;
    jobc::Override parsed;
    REQUIRE(jobc::parse_override("environment.registry.password=hunter2", parsed, sink));
    CHECK(parsed.value_text == "hunter2");
    CHECK(parsed.original == "environment.registry.password=******");
    jobc::Override reference;
    REQUIRE(jobc::parse_override("environment.registry.password_env=REG_PW", reference, sink));
    CHECK(reference.original == "environment.registry.password_env=REG_PW");
  }
}
