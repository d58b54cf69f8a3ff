// The compile driver: names the job, builds the environment recipe once, runs each generator
// into one OutputSet, then describes the result in manifest.json.
#include "jobc/compile.h"

#include <fmt/format.h>

#include "codegen/environment_files.h"
#include "codegen/environment_recipe.h"
#include "codegen/launch_script.h"
#include "codegen/manifest.h"
#include "support/hash.h"
#include "support/utf8.h"

namespace jobc {
namespace {

// The name the spec gives itself (a job's, an environment's, a compute's), or none.
const model::Field<std::string>& name_of(const model::Spec& spec) {
  return std::visit([](const auto& body) -> const model::Field<std::string>& { return body.name; },
                    spec.body);
}

// A job without a name gets one derived from what it runs, so compiling twice gives the
// same artifacts; `jobc submit` names each submission anew. An error when an input file can
// no longer be read.
Result<std::string> derived_job_name(const model::Spec& spec, const InputRecord& inputs) {
  Hasher hasher(HashKind::Sha256);
  hasher.update(spec.source().canonical_json);  // JSON ends where it ends
  for (const auto& [shown, path] : inputs.files()) {
    // Length-prefixed: no file name can pass for another name and a digest.
    hasher.update(fmt::format("\n{}:{}", shown.size(), shown));
    Result<std::string> digest = sha256_file_hex(path);
    if (!digest) return digest;
    hasher.update(*digest);
  }
  return "jobc-" + hasher.hex().substr(0, 16);
}

// The spec's path lands in the artifacts (the manifest, comments) and, for a job without
// experiment_name, its folder's name is the experiment: both must be text.
bool spec_path_is_text(const model::Spec& spec, DiagnosticSink& sink) {
  const model::SpecSource& source = spec.source();
  std::string folder =
      std::filesystem::absolute(source.dir.empty() ? "." : source.dir).lexically_normal().string();
  bool names_experiment = spec.job() && !spec.job()->experiment_name.present();
  std::string_view bad = !is_valid_utf8(source.display_path)          ? source.display_path
                         : names_experiment && !is_valid_utf8(folder) ? std::string_view(folder)
                                                                      : std::string_view();
  if (bad.empty()) return true;
  sink.report(DiagCode::FileUnreadable, {printable_utf8(source.display_path), 0, 0},
              fmt::format("the path '{}' is not valid UTF-8; rename it", printable_utf8(bad)),
              {"a spec's path and, without experiment_name, its folder's name are written "
               "into the artifacts"});
  return false;
}

}  // namespace

std::string WorkspaceScope::arm_prefix() const {
  return fmt::format(
      "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.MachineLearningServices/"
      "workspaces/{}",
      subscription, resource_group, workspace);
}

void InputRecord::add(const std::filesystem::path& path, const std::string& shown) {
  files_.emplace(shown.empty() ? path.generic_string() : shown, path);
}

GeneratorList core_generators() {
  GeneratorList generators;
  generators.push_back(make_environment_files_generator());
  generators.push_back(make_launch_script_generator());
  return generators;
}

CompileResult compile_with(std::shared_ptr<const model::Spec> spec, const GeneratorList& generators,
                           const CompileOptions& options, DiagnosticSink& sink) {
  CompileResult result;
  result.model = std::move(spec);
  result.scope = options.scope;
  const model::Spec& model = *result.model;
  if (!spec_path_is_text(model, sink)) return result;
  const std::string& display_path = model.source().display_path;
  result.inputs.add(display_path, std::filesystem::path(display_path).filename().string());

  // Before the job's name: the files the environment reads are part of what it derives from.
  if (auto recipe = make_environment_recipe(model, result.inputs, sink)) {
    if (recipe->buildable()) result.environment_hash = recipe->hash;
    result.environment = std::make_shared<const EnvironmentRecipe>(std::move(*recipe));
  }
  result.job_name = name_of(model).value_or(options.job_name);
  if (result.job_name.empty() && model.job()) {
    Result<std::string> derived = derived_job_name(model, result.inputs);
    if (!derived) {
      sink.report(DiagCode::FileUnreadable, {printable_utf8(display_path), 0, 0},
                  derived.error().message);
      return result;
    }
    result.job_name = std::move(*derived);
  }

  GeneratorContext context{
      model,          options, result.environment.get(), result.job_name, result.inputs,
      result.outputs, sink};
  for (const auto& generator : generators) generator->generate(context);
  make_manifest_generator()->generate(context);
  return result;
}

}  // namespace jobc
