// What a compilation hands the backends (CompileResult): the model, the environment's recipe
// made once, the job's name; and compile_with runs exactly the generators it is given, then
// the manifest, which lists what they wrote.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "codegen/environment_recipe.h"
#include "common/compiled_spec.h"
#include "common/temp_dir.h"

namespace {

class NoteGenerator : public jobc::Generator {
 public:
  std::string_view name() const override { return "note"; }
  void generate(jobc::GeneratorContext& context) const override {
    context.outputs.add("note.txt", context.job_name + "\n");
  }
};

}  // namespace

TEST_SUITE("codegen") {
  TEST_CASE("a compiled job carries its model, its environment's recipe and its name") {
    jobc::testing::TempDir dir;
    auto compiled = jobc::testing::compile_spec_text(
        dir.path, "command: echo hi\nenvironment: {image: python:3.11-slim}\n");
    const jobc::CompileResult& result = compiled.result;
    REQUIRE(result.model);
    CHECK(result.model->command_job() != nullptr);
    REQUIRE(result.environment);
    CHECK(result.environment->buildable());
    CHECK(result.environment->image == "python:3.11-slim");
    CHECK(result.environment_hash == result.environment->hash);
    CHECK(result.job_name.starts_with("jobc-"));
  }

  TEST_CASE("a registered environment is a recipe with only its reference") {
    jobc::testing::TempDir dir;
    auto compiled = jobc::testing::compile_spec_text(
        dir.path, "command: echo hi\nenvironment: azureml:AzureML-sklearn-1.0:1\n");
    REQUIRE(compiled.result.environment);
    CHECK(!compiled.result.environment->buildable());
    CHECK(compiled.result.environment->reference == "azureml:AzureML-sklearn-1.0:1");
    CHECK(compiled.result.environment_hash.empty());
    CHECK(compiled.result.outputs.find("Dockerfile") == nullptr);
  }

  TEST_CASE("compile_with runs the generators it is given, then the manifest") {
    jobc::testing::TempDir dir;
    auto compiled = jobc::testing::compile_spec_text(
        dir.path, "name: named\ncommand: echo hi\nenvironment: {image: python:3.11-slim}\n");
    jobc::GeneratorList generators;
    generators.push_back(std::make_unique<NoteGenerator>());
    jobc::DiagnosticSink sink;
    auto result = jobc::compile_with(compiled.result.model, generators, {}, sink);
    CHECK(!sink.has_errors());
    CHECK(result.job_name == "named");
    REQUIRE(result.outputs.files().size() == 2);
    REQUIRE(result.outputs.find("note.txt"));
    CHECK(result.outputs.find("note.txt")->content == "named\n");
    auto manifest = nlohmann::json::parse(result.outputs.find("manifest.json")->content);
    REQUIRE(manifest["artifacts"].size() == 1);
    CHECK(manifest["artifacts"][0]["path"] == "note.txt");
  }
}
