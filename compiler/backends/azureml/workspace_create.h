// `jobc create SPEC`: an environment or amlcompute spec created or updated in the workspace,
// as `az ml environment create` / `az ml compute create` do: a build context uploaded first,
// then the environment version PUT, or the compute PUT followed as a long-running operation.
#pragma once

#include <ostream>

#include "jobc/compile.h"
#include "jobc/result.h"

namespace jobc::azureml {

Status create_in_workspace(const CompileResult& compiled, std::ostream& progress);

}  // namespace jobc::azureml
