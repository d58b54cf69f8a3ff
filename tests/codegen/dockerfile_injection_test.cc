// User text that reaches the generated Dockerfile (the build context's path, pip packages, the
// non-root user) never adds an instruction: it is escaped, or refused with its location.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "common/temp_dir.h"
#include "fuzz/generated_file_checks.h"
#include "jobc/compile.h"

namespace fs = std::filesystem;

namespace {

struct Compiled {
  jobc::DiagnosticSink sink;
  jobc::CompileResult result;
};

// Validates and, when valid, compiles dir/job.yml.
void compile(const fs::path& dir, const std::string& yaml, Compiled& out) {
  { std::ofstream(dir / "job.yml") << yaml; }
  jobc::SourceManager sources;
  auto spec = jobc::load_and_validate((dir / "job.yml").string(), {}, sources, out.sink);
  REQUIRE(spec);
  if (!out.sink.has_errors()) out.result = jobc::compile_spec(*spec, {}, out.sink);
}

}  // namespace

TEST_SUITE("codegen") {
  TEST_CASE("a hostile build context path adds no instruction to the Dockerfile") {
    jobc::testing::TempDir dir;
    fs::create_directories(dir.path / "ctx\nRUN touch Y\n");
    { std::ofstream(dir.path / "ctx\nRUN touch Y\n" / "Dockerfile") << "FROM debian:bookworm\n"; }
    Compiled compiled;
    compile(dir.path, "command: echo\nenvironment:\n  build: {path: \"ctx\\nRUN touch Y\\n\"}\n",
            compiled);
    REQUIRE(!compiled.sink.has_errors());
    const auto* dockerfile = compiled.result.outputs.find("Dockerfile");
    REQUIRE(dockerfile);
    CHECK(jobc::fuzz::dockerfile_instructions(dockerfile->content) ==
          std::vector<std::string>{"FROM", "LABEL", "WORKDIR"});
    CHECK(dockerfile->content.find("# ---- ctx\\nRUN touch Y\\n/Dockerfile, the environment's") !=
          std::string::npos);
  }

  TEST_CASE("a pip package holding a line break is refused, not dropped") {
    for (const char* package : {"numpy\\n--index-url=http://evil", "numpy\\r--index-url=x",
                                "numpy\\u2028--index-url=x", "numpy\\x85--index-url=x"}) {
      CAPTURE(package);
      jobc::testing::TempDir dir;
      Compiled compiled;
      compile(dir.path,
              std::string("command: echo\nenvironment:\n  image: python:3.11\n"
                          "  conda_file: {dependencies: [python, {pip: [\"") +
                  package + "\"]}]}\n",
              compiled);
      REQUIRE(compiled.sink.has_errors());
      const auto& error = compiled.sink.diagnostics().back();
      CHECK(error.code == jobc::DiagCode::BadFormat);
      CHECK(error.location.line == 4);
      CHECK(compiled.result.outputs.find("requirements.txt") == nullptr);
    }
  }

  TEST_CASE("a non-root user name that could carry an instruction is refused") {
    jobc::testing::TempDir dir;
    Compiled compiled;
    compile(dir.path,
            "command: echo\nenvironment:\n  image: python:3.11\n"
            "  non_root_user: \"bob\\nRUN touch Y\"\n",
            compiled);
    CHECK(compiled.sink.has_errors());
    CHECK(compiled.result.outputs.find("Dockerfile") == nullptr);
  }
}
