// The body of a sweep job PUT (RestSweepJob): the trial, the search space, sampling,
// objective, limits and early termination, as SweepJob._to_rest_object builds them.
#pragma once

#include "backends/azureml/job_common.h"
#include "jobc/model/sweep.h"

namespace jobc::azureml {

nlohmann::json sweep_job_body(const AzureMlContext& context, const model::SweepJob& sweep,
                              const JobAssets& assets);

// One search-space parameter: [type, [arguments]], a choice's values as [type, [[values]]]
// with nested parameters inside choice options converted too.
nlohmann::json rest_search_parameter(const model::SearchParameter& parameter);

}  // namespace jobc::azureml
