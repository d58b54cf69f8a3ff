// The invariants the fuzz_compile target holds generated files to (tests/fuzz/
// generated_file_checks.h): they accept what jobc generates and catch an injected line.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "common/compiled_spec.h"
#include "common/temp_dir.h"
#include "fuzz/generated_file_checks.h"
#include "jobc/compile.h"

namespace fs = std::filesystem;

namespace {

jobc::CompileResult compile_text(const std::string& yaml) {
  jobc::testing::TempDir dir;
  return jobc::testing::compile_spec_text(dir.path, yaml).result;
}

const char* kJob =
    "command: |\n  echo \"it's\" 'a\n  b' ${{inputs.x}}\n"
    "inputs:\n  x: \"'; touch pwned\\nRUN y\"\n"
    "environment:\n  image: python:3.11-slim\n  conda_file: {dependencies: [python, {pip: [np]}]}\n"
    "environment_variables: {A: \"x\\ny\"}\n"
    "distribution: {type: pytorch, process_count_per_instance: 2}\n";

std::string insert_after_line(std::string text, int line, const std::string& inserted) {
  size_t at = 0;
  for (int i = 0; i < line; ++i) at = text.find('\n', at) + 1;
  return text.insert(at, inserted);
}

}  // namespace

TEST_SUITE("codegen") {
  TEST_CASE("the launch.sh check accepts what jobc writes and finds an injected command") {
    auto result = compile_text(kJob);
    std::string launch = result.outputs.find("launch.sh")->content;
    auto prefixes = jobc::fuzz::template_line_prefixes("launch.sh.mustache", "<%");
    CHECK(jobc::fuzz::check_script(launch, prefixes) == "");
    CHECK(jobc::fuzz::check_script(insert_after_line(launch, 2, "touch X\n"), prefixes) != "");
    CHECK(jobc::fuzz::check_script(insert_after_line(launch, 2, "# a comment\n"), prefixes) != "");
    CHECK(jobc::fuzz::check_script(launch + "export A;touch X=1\n", prefixes) != "");
    CHECK(jobc::fuzz::check_script(launch + "echo 'unclosed\n", prefixes) != "");
  }

  TEST_CASE("the Dockerfile check accepts what jobc writes and finds an added instruction") {
    auto result = compile_text(kJob);
    std::string dockerfile = result.outputs.find("Dockerfile")->content;
    CHECK(jobc::fuzz::check_dockerfile(dockerfile) == "");
    CHECK(jobc::fuzz::check_dockerfile(insert_after_line(dockerfile, 1, "RUN touch Y\n")) != "");
    CHECK(jobc::fuzz::check_dockerfile(dockerfile + "RUN touch Y\n") != "");
  }

  TEST_CASE("the Dockerfile check reads a user's Dockerfile as the FROM it starts with") {
    jobc::testing::TempDir dir;
    fs::create_directories(dir.path / "ctx");
    std::ofstream(dir.path / "ctx/Dockerfile") << "FROM debian\nRUN apt-get update\n";
    auto result = jobc::testing::compile_spec_text(
                      dir.path, "command: echo\nenvironment:\n  build: {path: ctx}\n")
                      .result;
    std::string dockerfile = result.outputs.find("Dockerfile")->content;
    CHECK(jobc::fuzz::check_dockerfile(dockerfile) == "");
    std::string split = dockerfile;
    split.replace(split.find("# ---- end of ctx/Dockerfile ----"),
                  std::string("# ---- end of ctx/Dockerfile ----").size(),
                  "# ---- end of ctx\nRUN touch Y\n/Dockerfile ----");
    CHECK(jobc::fuzz::check_dockerfile(split) != "");
  }
}
