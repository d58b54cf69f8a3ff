// An amlcompute spec as the compute PUT the SDK sends (a long-running operation), with the
// SDK's defaults for what the spec leaves out. Other compute kinds (docker, slurm, local)
// are not Azure ML resources: they have no request.
#pragma once

#include <optional>

#include "backends/azureml/requests.h"

namespace jobc::azureml {

std::optional<nlohmann::json> compute_request(const AzureMlContext& context);

}  // namespace jobc::azureml
