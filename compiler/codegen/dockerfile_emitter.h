// Emits the environment's Dockerfile, and conda.yaml / requirements.txt when it has
// conda or pip packages.
#pragma once

#include "codegen/environment_recipe.h"

namespace jobc {

void emit_environment_files(const EnvironmentRecipe& recipe, const std::string& source,
                            OutputSet& outputs, DiagnosticSink& sink);

}  // namespace jobc
