// Azure ML's optional arguments `$[[--lr ${{inputs.lr}}]]` in launch.sh (which the local,
// Docker and Slurm backends all run): kept without the brackets when their inputs have values
// (a literal, a default, a path, --set), left out otherwise, and never the text None.
// Checked by running the generated script.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/run_command.h"
#include "common/temp_dir.h"
#include "jobc/compile.h"
#include "jobc/validate.h"
#include "spec/checks/optional_arguments.h"

namespace fs = std::filesystem;

namespace {

struct Compiled {
  jobc::DiagnosticSink sink;
  jobc::CompileResult result;
};

Compiled compile_text(const fs::path& dir, const std::string& yaml,
                      const std::vector<std::string>& sets = {}) {
  { std::ofstream(dir / "job.yml") << yaml << "environment: {image: python:3.11-slim}\n"; }
  Compiled compiled;
  jobc::ValidateOptions options;
  for (const std::string& set : sets) {
    jobc::Override parsed;
    REQUIRE(jobc::parse_override(set, parsed, compiled.sink));
    options.overrides.push_back(parsed);
  }
  jobc::SourceManager sources;
  auto spec = jobc::load_and_validate((dir / "job.yml").string(), options, sources, compiled.sink);
  REQUIRE(spec);
  REQUIRE_MESSAGE(!compiled.sink.has_errors(), compiled.sink.diagnostics().front().message);
  compiled.result = jobc::compile_spec(*spec, {}, compiled.sink);
  REQUIRE(!compiled.sink.has_errors());
  return compiled;
}

std::string file_of(const Compiled& compiled, const std::string& name) {
  const auto* file = compiled.result.outputs.find(name);
  REQUIRE_MESSAGE(file, "no " << name);
  return file->content;
}

// Runs launch.sh in `dir` (the code folder); what the command printed, one [arg] per argument.
std::string run_launch(const fs::path& dir, const Compiled& compiled) {
  { std::ofstream(dir / "launch.sh") << file_of(compiled, "launch.sh"); }
  auto run = jobc::testing::run_command("cd " + jobc::testing::shell_quote(dir.string()) +
                                        " && JOBC_CODE_DIR=. bash launch.sh");
  CHECK_MESSAGE(run.status == 0, run.err);
  return run.out;
}

constexpr const char* kJob =
    "command: printf '[%s]' train.py $[[--lr ${{inputs.lr}}]] $[[--seed ${{inputs.seed}}]] "
    "$[[--data ${{inputs.data}} --out ${{outputs.model}}]]\n"
    "inputs:\n"
    "  lr: {type: number, optional: true}\n"
    "  seed: {type: integer, default: 7, optional: true}\n"
    "  data: {type: uri_folder, path: data}\n"
    "outputs:\n"
    "  model: {type: uri_folder}\n";

}  // namespace

TEST_SUITE("codegen") {
  TEST_CASE("an optional argument is kept without its brackets when its inputs have values") {
    jobc::testing::TempDir dir;
    fs::create_directories(dir.path / "data");
    auto compiled = compile_text(dir.path, kJob);
    // lr has no value: its argument is left out; seed has a default, data a path.
    CHECK(run_launch(dir.path, compiled) ==
          "[train.py][--seed][7][--data][data][--out][outputs/model]");
    CHECK(file_of(compiled, "launch.sh").find("None") == std::string::npos);
    CHECK(file_of(compiled, "launch.sh").find("$[[") == std::string::npos);
  }

  TEST_CASE("--set gives an optional input its value, and replaces a default") {
    jobc::testing::TempDir dir;
    fs::create_directories(dir.path / "data");
    auto compiled = compile_text(dir.path, kJob, {"inputs.lr=0.5", "inputs.seed.default=11"});
    CHECK(run_launch(dir.path, compiled) ==
          "[train.py][--lr][0.5][--seed][11][--data][data][--out][outputs/model]");
    // An input that only --set declares: its optional argument is kept.
    auto created = compile_text(dir.path, "command: printf '[%s]' a $[[--x ${{inputs.x}}]]\n",
                                {"inputs.x=hello world"});
    CHECK(created.sink.diagnostics().empty());
    CHECK(run_launch(dir.path, created) == "[a][--x][hello world]");
  }

  TEST_CASE("an optional argument is left out when any of its inputs has no value") {
    jobc::testing::TempDir dir;
    auto compiled =
        compile_text(dir.path,
                     "command: printf '[%s]' a $[[--pair ${{inputs.x}} ${{inputs.y}}]] b\n"
                     "inputs:\n  x: 1\n  y: {type: string, optional: true}\n");
    CHECK(run_launch(dir.path, compiled) == "[a][b]");
  }

  TEST_CASE("an undeclared input inside $[[...]] has no value: Azure ML's own optional form") {
    jobc::testing::TempDir dir;
    auto compiled = compile_text(dir.path, "command: printf '[%s]' a $[[--lr ${{inputs.lr}}]] b\n");
    CHECK(run_launch(dir.path, compiled) == "[a][b]");
    CHECK(compiled.sink.diagnostics().size() == 1);  // W004, a warning
  }

  TEST_CASE("values in an optional argument stay quoted and are never expanded again") {
    jobc::testing::TempDir dir;
    auto compiled = compile_text(
        dir.path,
        "command: printf '[%s]' $[[--v ${{inputs.v}}]] $[[--w ${{inputs.w}}]]\n"
        "inputs:\n"
        "  v: {type: string, default: \"$[[--x ${{inputs.w}}]] $(touch pwned); a b\"}\n"
        "  w: \"]] ${{inputs.v}}\"\n");
    CHECK(run_launch(dir.path, compiled) ==
          "[--v][$[[--x ${{inputs.w}}]] $(touch pwned); a b][--w][]] ${{inputs.v}}]");
    CHECK(!fs::exists(dir.path / "pwned"));
  }

  TEST_CASE("text around optional arguments, and bash's own [[ ]], are kept as written") {
    jobc::testing::TempDir dir;
    auto compiled = compile_text(dir.path,
                                 "command: if [[ -d . ]]; then printf '[%s]' "
                                 "x$[[=${{inputs.a}}]]y$[[=${{inputs.b}}]]z; fi\n"
                                 "inputs:\n  a: 1\n  b: {type: boolean, optional: true}\n");
    CHECK(run_launch(dir.path, compiled) == "[x=1yz]");
  }

  TEST_CASE("Slurm's batch script runs the same launch.sh, with the same command") {
    jobc::testing::TempDir dir;
    fs::create_directories(dir.path / "data");
    {
      std::ofstream(dir.path / "hpc.yml")
          << "name: hpc\ntype: slurm\nendpoint: http://127.0.0.1:6820\npartition: debug\n"
             "account: physics\nuser: alice\nstaging_dir: /shared/stage/\ntoken_env: MY_JWT\n";
    }
    auto local = compile_text(dir.path, kJob);
    auto slurm = compile_text(dir.path, std::string(kJob) + "compute: hpc.yml\n");
    CHECK(file_of(slurm, "launch.sh") == file_of(local, "launch.sh"));
    auto payload = nlohmann::json::parse(file_of(slurm, "slurm/job.json"));
    std::string script = payload["script"].get<std::string>();
    CHECK(script.find("exec bash \"$JOBC_STAGE_DIR/artifacts/launch.sh\"") != std::string::npos);
    CHECK(script.find("--lr") == std::string::npos);  // the command lives in launch.sh only
    CHECK(run_launch(dir.path, slurm) ==
          "[train.py][--seed][7][--data][data][--out][outputs/model]");
  }
}

TEST_SUITE("spec") {
  TEST_CASE("optional arguments: each $[[ ends at the first ]]; unclosed and nested are refused") {
    auto parsed = jobc::find_optional_arguments("a $[[b]] [[ c ]] $[[d ]]");
    REQUIRE(parsed.arguments.size() == 2);
    CHECK(parsed.arguments[0].offset == 2);
    CHECK(parsed.arguments[0].end == 8);
    CHECK(parsed.arguments[1].offset == 17);
    CHECK(parsed.problems.empty());

    auto unclosed = jobc::find_optional_arguments("a $[[b ]] $[[c");
    CHECK(unclosed.arguments.size() == 1);
    REQUIRE(unclosed.problems.size() == 1);
    CHECK(unclosed.problems[0].offset == 10);

    auto nested = jobc::find_optional_arguments("$[[a $[[b]] c]] $[[d]]");
    REQUIRE(nested.problems.size() == 1);
    CHECK(nested.problems[0].offset == 5);
    REQUIRE(nested.arguments.size() == 1);
    CHECK(nested.arguments[0].offset == 16);
  }

  TEST_CASE("an input has a value from a literal, a default or a path; never from null") {
    auto inputs = nlohmann::json::parse(R"({
      "a": 0, "b": false, "c": "", "d": {"type": "number", "default": 0},
      "e": {"type": "number", "optional": true}, "f": {"type": "uri_file", "path": "x"},
      "g": {"type": "string", "default": null}, "h": {"type": 3}})");
    for (const char* name : {"a", "b", "c", "d", "f"}) {
      CAPTURE(name);
      CHECK(jobc::input_has_value(inputs, name));
    }
    for (const char* name : {"e", "g", "h", "undeclared"}) {
      CAPTURE(name);
      CHECK(!jobc::input_has_value(inputs, name));
    }
  }
}
