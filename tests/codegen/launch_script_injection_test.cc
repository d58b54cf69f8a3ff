// Hostile values in commands, inputs, environment variables and names: launch.sh must pass
// them to the program as data, never run them. Checked by running the generated script.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "common/run_command.h"
#include "common/temp_dir.h"
#include "jobc/compile.h"

namespace fs = std::filesystem;

namespace {

struct Compiled {
  jobc::DiagnosticSink sink;
  jobc::CompileResult result;
};

Compiled compile_text(const fs::path& dir, const std::string& yaml) {
  { std::ofstream(dir / "job.yml") << yaml; }
  Compiled compiled;
  jobc::SourceManager sources;
  auto spec = jobc::load_and_validate((dir / "job.yml").string(), {}, sources, compiled.sink);
  REQUIRE(spec);
  REQUIRE_MESSAGE(!compiled.sink.has_errors(), compiled.sink.diagnostics().front().message);
  compiled.result = jobc::compile_spec(*spec, {}, compiled.sink);
  return compiled;
}

// Runs launch.sh in `dir` (the code folder) and returns what the command printed.
jobc::testing::CommandResult run_launch(const fs::path& dir, const Compiled& compiled) {
  const auto* launch = compiled.result.outputs.find("launch.sh");
  REQUIRE(launch);
  { std::ofstream(dir / "launch.sh") << launch->content; }
  return jobc::testing::run_command("cd " + jobc::testing::shell_quote(dir.string()) +
                                    " && JOBC_CODE_DIR=. bash launch.sh");
}

const char* kHostile[] = {
    "$(touch pwned)",
    "`touch pwned`",
    "'; touch pwned; echo '",
    "\"; touch pwned; echo \"",
    "a\nb; touch pwned",
    "${{inputs.other}}",
    "$HOME",
    "caf\xc3\xa9 \xe2\x9c\x93",
    "--flag=x y",
    "\\\\'\\\"",
};

std::string yaml_double_quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

}  // namespace

TEST_SUITE("codegen") {
  TEST_CASE("input values reach the program verbatim and never execute") {
    for (const char* value : kHostile) {
      CAPTURE(value);
      jobc::testing::TempDir dir;
      std::string yaml =
          "command: printf '[%s]\\n' ${{inputs.value}}\n"
          "inputs:\n  value: " +
          yaml_double_quoted(value) +
          "\n  other: never\n"
          "environment: {image: python:3.11-slim}\n";
      auto compiled = compile_text(dir.path, yaml);
      auto run = run_launch(dir.path, compiled);
      CHECK(run.status == 0);
      CHECK(run.out == "[" + std::string(value) + "]\n");
      CHECK(!fs::exists(dir.path / "pwned"));
    }
  }

  TEST_CASE("environment variable values are data") {
    for (const char* value : kHostile) {
      CAPTURE(value);
      jobc::testing::TempDir dir;
      std::string yaml =
          "command: printf '[%s]\\n' \"$HOSTILE\"\n"
          "environment_variables:\n  HOSTILE: " +
          yaml_double_quoted(value) +
          "\n"
          "environment: {image: python:3.11-slim}\n";
      auto compiled = compile_text(dir.path, yaml);
      auto run = run_launch(dir.path, compiled);
      CHECK(run.out == "[" + std::string(value) + "]\n");
      CHECK(!fs::exists(dir.path / "pwned"));
    }
  }

  TEST_CASE("launch.sh starts with its #! line, so it can run on its own") {
    jobc::testing::TempDir dir;
    auto compiled =
        compile_text(dir.path, "command: echo\nenvironment: {image: python:3.11-slim}\n");
    CHECK(compiled.result.outputs.find("launch.sh")->content.rfind("#!/usr/bin/env bash\n", 0) ==
          0);
  }

  TEST_CASE("the command itself runs as written, quotes and newlines included") {
    jobc::testing::TempDir dir;
    auto compiled = compile_text(dir.path,
                                 "command: |\n  echo \"it's $((1+2))\"\n  echo 'line two'\n"
                                 "environment: {image: python:3.11-slim}\n");
    auto run = run_launch(dir.path, compiled);
    CHECK(run.out == "it's 3\nline two\n");
  }

  TEST_CASE("outputs and logs folders exist and output paths are passed") {
    jobc::testing::TempDir dir;
    auto compiled = compile_text(dir.path,
                                 "command: echo model > ${{outputs.model}}/weights.txt\n"
                                 "outputs:\n  model: {type: uri_folder}\n"
                                 "environment: {image: python:3.11-slim}\n");
    auto run = run_launch(dir.path, compiled);
    CHECK(run.status == 0);
    CHECK(fs::is_directory(dir.path / "logs"));
    CHECK(jobc::testing::slurp(dir.path / "outputs/model/weights.txt") == "model\n");
  }

  TEST_CASE("an invalid environment variable name is refused") {
    jobc::testing::TempDir dir;
    {
      std::ofstream(dir.path / "job.yml")
          << "command: echo\nenvironment_variables:\n  \"A=B; touch pwned\": x\n"
             "environment: {image: python:3.11-slim}\n";
    }
    jobc::DiagnosticSink sink;
    jobc::SourceManager sources;
    auto spec = jobc::load_and_validate((dir.path / "job.yml").string(), {}, sources, sink);
    REQUIRE(spec);
    if (!sink.has_errors()) jobc::compile_spec(*spec, {}, sink);
    CHECK(sink.has_errors());
  }

  TEST_CASE("the Dockerfile refuses an image reference that could inject instructions") {
    jobc::testing::TempDir dir;
    {
      std::ofstream(dir.path / "job.yml")
          << "command: echo\nenvironment:\n  image: \"python:3.11\\nRUN touch /pwned\"\n";
    }
    jobc::DiagnosticSink sink;
    jobc::SourceManager sources;
    auto spec = jobc::load_and_validate((dir.path / "job.yml").string(), {}, sources, sink);
    REQUIRE(spec);
    jobc::CompileResult result;
    if (!sink.has_errors()) result = jobc::compile_spec(*spec, {}, sink);
    CHECK(sink.has_errors());
    CHECK(result.outputs.find("Dockerfile") == nullptr);
  }

  TEST_CASE("a user Dockerfile is copied verbatim, never treated as a template") {
    jobc::testing::TempDir dir;
    fs::create_directories(dir.path / "ctx");
    std::string user = "FROM debian:bookworm\nRUN echo '{{image_tag}} {{#x}}' > /tmp/t\n";
    {
      std::ofstream(dir.path / "ctx/Dockerfile") << user;
      std::ofstream(dir.path / "job.yml") << "command: echo\nenvironment:\n  build: {path: ctx}\n";
    }
    jobc::DiagnosticSink sink;
    jobc::SourceManager sources;
    auto spec = jobc::load_and_validate((dir.path / "job.yml").string(), {}, sources, sink);
    REQUIRE(spec);
    auto result = jobc::compile_spec(*spec, {}, sink);
    const auto* dockerfile = result.outputs.find("Dockerfile");
    REQUIRE(dockerfile);
    CHECK(dockerfile->content.find(user.substr(0, user.size() - 1)) != std::string::npos);
  }
}
