// The body of a command job PUT (RestCommandJob), as CommandJob._to_rest_object builds it.
#pragma once

#include "backends/azureml/job_common.h"

namespace jobc::azureml {

nlohmann::json command_job_body(const AzureMlContext& context, const model::CommandJob& job,
                                const JobAssets& assets);

}  // namespace jobc::azureml
