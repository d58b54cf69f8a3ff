// An amlcompute spec as the compute PUT the SDK sends (a long-running operation), with the
// SDK's defaults for what the spec leaves out. Computes of other backends are not Azure ML
// resources: they have no request.
#pragma once

#include <optional>

#include "backends/azureml/requests.h"

namespace jobc::azureml {

std::optional<nlohmann::json> compute_request(const AzureMlContext& context,
                                              const model::Compute& compute);

}  // namespace jobc::azureml
