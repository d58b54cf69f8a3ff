// Transitional: the recipe for callers still holding a LoadedSpec and reading the document
// (codegen/azureml until it moves to backends/azureml; the Docker backend until it reads
// CompileResult::environment). Delete this file, and EnvironmentRecipe::doc/pointer, when
// nothing calls it.
#include "codegen/environment_recipe.h"

namespace jobc {

std::optional<EnvironmentRecipe> make_environment_recipe(const LoadedSpec& spec,
                                                         const std::string& pointer,
                                                         InputRecord& inputs,
                                                         DiagnosticSink& sink) {
  if (!spec.model) return std::nullopt;
  auto recipe = make_environment_recipe(*spec.model, inputs, sink);
  if (!recipe) return recipe;
  recipe->doc = &spec.doc;
  recipe->pointer = pointer;
  if (auto reference = spec.references.find(pointer); reference != spec.references.end()) {
    recipe->doc = &reference->second->doc;  // an environment file: its own document
    recipe->pointer = "";
  }
  return recipe;
}

}  // namespace jobc
