// A job's `inputs:` and `outputs:` as REST JobInputs / JobOutputs. Literals become strings
// (Python's str()); local paths are uploaded to a datastore and named by their
// azureml://datastores/... URI; asset references become versioned ids; URLs pass through.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "backends/azureml/requests.h"

namespace jobc::azureml {

nlohmann::json rest_inputs(const AzureMlContext& context, const std::vector<model::Input>& inputs);
nlohmann::json rest_outputs(const std::vector<model::Output>& outputs);

}  // namespace jobc::azureml
