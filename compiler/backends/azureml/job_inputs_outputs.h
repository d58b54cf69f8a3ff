// A job's `inputs:` and `outputs:` as REST JobInputs / JobOutputs. Literals become strings
// (Python's str()); local paths are uploaded to a datastore and named by their
// azureml://datastores/... URI; asset references become versioned ids; URLs pass through.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "backends/azureml/requests.h"

namespace jobc::azureml {

// `pointer` is where the inputs mapping sits in the spec ("/inputs").
nlohmann::json rest_inputs(const AzureMlContext& context, const std::string& pointer);
nlohmann::json rest_outputs(const nlohmann::json* outputs);

}  // namespace jobc::azureml
