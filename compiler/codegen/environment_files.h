// The environment's files: its Dockerfile, and conda.yaml / requirements.txt when it has
// conda or pip packages. Made from the compilation's environment recipe.
#pragma once

#include <memory>

#include "jobc/generator.h"

namespace jobc {

std::unique_ptr<Generator> make_environment_files_generator();

}  // namespace jobc
