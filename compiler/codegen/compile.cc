// The compile driver: builds the environment recipe, then runs each emitter into one
// OutputSet, then describes the result in manifest.json.
#include "jobc/compile.h"

#include <fmt/format.h>

#include "codegen/azureml/requests.h"
#include "codegen/dockerfile_emitter.h"
#include "codegen/environment_recipe.h"
#include "codegen/launch_script.h"
#include "codegen/manifest.h"
#include "jobc/backend_registry.h"
#include "jobc/generator.h"
#include "support/hash.h"
#include "support/utf8.h"

namespace jobc {
namespace {

std::string environment_pointer(SpecKind kind) {
  switch (kind) {
    case SpecKind::Environment:
      return "";
    case SpecKind::CommandJob:
      return "/environment";
    case SpecKind::SweepJob:
      return "/trial/environment";
    case SpecKind::Compute:
      break;
  }
  return "-";
}

// A job without a name gets one derived from what it runs, so compiling twice gives the
// same artifacts; `jobc submit` names each submission anew.
std::string derived_job_name(const LoadedSpec& spec, const InputRecord& inputs) {
  Hasher hasher(HashKind::Sha256);
  hasher.update(spec.doc.root.dump());  // JSON ends where it ends
  for (const auto& [shown, path] : inputs.files()) {
    // Length-prefixed: no file name can pass for another name and a digest.
    hasher.update(fmt::format("\n{}:{}", shown.size(), shown));
    hasher.update(sha256_file_hex(path));
  }
  return "jobc-" + hasher.hex().substr(0, 16);
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

namespace {

// The spec's path lands in the artifacts (the manifest, comments) and, for a job without
// experiment_name, its folder's name is the experiment: both must be text.
bool spec_path_is_text(const LoadedSpec& spec, DiagnosticSink& sink) {
  std::string folder = std::filesystem::absolute(spec.doc.dir.empty() ? "." : spec.doc.dir)
                           .lexically_normal()
                           .string();
  bool names_experiment = (spec.kind == SpecKind::CommandJob || spec.kind == SpecKind::SweepJob) &&
                          !spec.doc.root.contains("experiment_name");
  std::string_view bad = !is_valid_utf8(spec.doc.display_path)        ? spec.doc.display_path
                         : names_experiment && !is_valid_utf8(folder) ? std::string_view(folder)
                                                                      : std::string_view();
  if (bad.empty()) return true;
  sink.report(DiagCode::FileUnreadable, {printable_utf8(spec.doc.display_path), 0, 0},
              fmt::format("the path '{}' is not valid UTF-8; rename it", printable_utf8(bad)),
              {"a spec's path and, without experiment_name, its folder's name are written "
               "into the artifacts"});
  return false;
}

}  // namespace

CompileResult compile_spec(const LoadedSpec& spec, const CompileOptions& options,
                           DiagnosticSink& sink) {
  CompileResult result;
  if (!spec_path_is_text(spec, sink)) return result;
  std::string source = std::filesystem::path(spec.doc.display_path).filename().string();
  result.inputs.add(spec.doc.display_path, source);

  std::optional<EnvironmentRecipe> recipe;
  if (spec.kind != SpecKind::Compute) {
    recipe = make_environment_recipe(spec, environment_pointer(spec.kind), result.inputs, sink);
  }
  result.model = spec.model;
  if (recipe) result.environment = std::make_shared<const EnvironmentRecipe>(*recipe);
  if (recipe) {
    emit_environment_files(*recipe, source, result.outputs, sink);
    if (recipe->buildable()) result.environment_hash = recipe->hash;
  }
  if (spec.kind == SpecKind::CommandJob) {
    emit_launch_script(spec, "", result.outputs, sink);
  }
  std::string job_name = spec.doc.root.value("name", options.job_name);
  if (job_name.empty() && (spec.kind == SpecKind::CommandJob || spec.kind == SpecKind::SweepJob)) {
    job_name = derived_job_name(spec, result.inputs);
  }
  result.job_name = job_name;
  if (spec.model) {
    // The artifacts only one backend needs (the Slurm job), from the registry's generators.
    GeneratorContext context{*spec.model, options,       recipe ? &*recipe : nullptr,
                             job_name,    result.inputs, result.outputs,
                             sink};
    for (const BackendEntry& entry : backend_registry()) {
      if (!entry.generators) continue;
      for (const auto& generator : entry.generators()) generator->generate(context);
    }
  }
  AzureMlContext azure{spec,          options.scope, job_name,        recipe ? &*recipe : nullptr,
                       result.inputs, sink,          options.prefetch};
  emit_azureml(azure, result.outputs);
  emit_manifest(result, recipe ? recipe->image_tag() : "", result.outputs);
  return result;
}

}  // namespace jobc
