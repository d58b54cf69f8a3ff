// A spec's file name and the paths it names are written into comments of launch.sh, the
// Dockerfile and the Slurm batch script. A hostile name (line breaks, `$(...)`, backticks)
// must stay inside its comment line: no command runs, no instruction is added.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/run_command.h"
#include "common/temp_dir.h"
#include "fuzz/generated_file_checks.h"
#include "jobc/compile.h"

namespace fs = std::filesystem;
using jobc::testing::shell_quote;

namespace {

// The reported repro, and the other ways a name can carry a command.
const char* kHostileNames[] = {
    "evil\ntouch X\nRUN touch Y\n.yml",
    "evil\rtouch X\r\nRUN touch Y\n.yml",
    "$(touch X)`touch X`.yml",
    "evil\\\ntouch X\n.yml",
};

jobc::CompileResult compile_file(const fs::path& spec) {
  jobc::DiagnosticSink sink;
  jobc::SourceManager sources;
  auto loaded = jobc::load_and_validate(spec.string(), {}, sources, sink);
  REQUIRE(loaded);
  REQUIRE_MESSAGE(!sink.has_errors(), sink.diagnostics().front().message);
  jobc::CompileResult result = jobc::compile_spec(*loaded, {}, sink);
  REQUIRE_MESSAGE(!sink.has_errors(), sink.diagnostics().front().message);
  return result;
}

const std::string& artifact(const jobc::CompileResult& result, const std::string& path) {
  const auto* file = result.outputs.find(path);
  REQUIRE_MESSAGE(file, path);
  return file->content;
}

// Writes launch.sh into `dir`, checks its syntax, runs it and returns the run.
jobc::testing::CommandResult run_launch(const fs::path& dir, const std::string& script) {
  { std::ofstream(dir / "launch.sh", std::ios::binary) << script; }
  auto syntax = jobc::testing::run_command("bash -n " + shell_quote((dir / "launch.sh").string()));
  CHECK_MESSAGE(syntax.status == 0, syntax.err);
  return jobc::testing::run_command("cd " + shell_quote(dir.string()) +
                                    " && JOBC_CODE_DIR=. bash launch.sh");
}

}  // namespace

TEST_SUITE("codegen") {
  TEST_CASE("a hostile spec file name runs no command from launch.sh") {
    for (const char* name : kHostileNames) {
      CAPTURE(name);
      jobc::testing::TempDir dir;
      fs::path spec = dir.path / name;
      { std::ofstream(spec) << "command: echo ran\nenvironment: {image: python:3.11-slim}\n"; }
      auto result = compile_file(spec);
      auto run = run_launch(dir.path, artifact(result, "launch.sh"));
      CHECK(run.status == 0);
      CHECK(run.out == "ran\n");
      CHECK(run.err == "");
      CHECK(!fs::exists(dir.path / "X"));
    }
  }

  TEST_CASE("a hostile spec file name adds no instruction to the Dockerfile") {
    for (const char* name : kHostileNames) {
      CAPTURE(name);
      jobc::testing::TempDir dir;
      fs::path spec = dir.path / name;
      {
        std::ofstream(spec) << "command: echo\nenvironment:\n  image: python:3.11-slim\n"
                               "  conda_file: {dependencies: [python=3.11, {pip: [numpy]}]}\n";
      }
      auto result = compile_file(spec);
      CHECK(jobc::fuzz::dockerfile_instructions(artifact(result, "Dockerfile")) ==
            std::vector<std::string>{"FROM", "LABEL", "COPY", "RUN", "COPY", "RUN", "WORKDIR"});
    }
  }

  TEST_CASE("a hostile spec file name runs no command from the Slurm batch script") {
    for (const char* name : kHostileNames) {
      CAPTURE(name);
      jobc::testing::TempDir dir;
      fs::path spec = dir.path / name;
      {
        std::ofstream(dir.path / "hpc.yml") << "name: hpc\ntype: slurm\nendpoint: https://h\n"
                                               "staging_dir: /s\nuser: u\ntoken_env: T\n";
        std::ofstream(spec) << "command: echo\nenvironment: {image: python:3.11-slim}\n"
                               "compute: hpc.yml\n";
      }
      auto result = compile_file(spec);
      auto payload = nlohmann::json::parse(artifact(result, "slurm/job.json"));
      std::string script = payload["script"].get<std::string>();
      // Run with a launch.sh that only says it ran: nothing else may happen.
      fs::create_directories(dir.path / "stage/artifacts");
      { std::ofstream(dir.path / "stage/artifacts/launch.sh") << "echo launched\n"; }
      { std::ofstream(dir.path / "batch.sh", std::ios::binary) << script; }
      auto run = jobc::testing::run_command(
          "cd " + shell_quote(dir.path.string()) + " && JOBC_CODE_DIR=. JOBC_STAGE_DIR=" +
          shell_quote((dir.path / "stage").string()) + " bash batch.sh");
      CHECK(run.status == 0);
      CHECK(run.out == "launched\n");
      CHECK(run.err == "");
      CHECK(!fs::exists(dir.path / "X"));
    }
  }

  TEST_CASE("the name in a comment keeps what it said, escaped") {
    jobc::testing::TempDir dir;
    fs::path spec = dir.path / "evil\ntouch X\n.yml";
    { std::ofstream(spec) << "command: echo\nenvironment: {image: python:3.11-slim}\n"; }
    auto result = compile_file(spec);
    CHECK(artifact(result, "launch.sh").find("from evil\\ntouch X\\n.yml.") != std::string::npos);
    CHECK(artifact(result, "Dockerfile").find("from evil\\ntouch X\\n.yml.") != std::string::npos);
  }
}
