// Azure ML's run history, reached as the SDK reaches it: the workspace's discoveryUrl, an
// anonymous GET of it for the data-plane "api", then calls under {api}/history/v1.0{ws} with
// the ARM token.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "backends/azureml/service/arm_client.h"
#include "jobc/result.h"

namespace jobc::azureml {

// The run-history base URL ("https://eastus.api.azureml.ms"), no trailing '/'.
Result<std::string> discover_history_api(ArmClient& arm, const std::string& workspace_path);

// GET {api}/history/v1.0{ws}/runs/{run}/details: RunDetails.
Result<nlohmann::json> get_run_details(ArmClient& arm, const std::string& api,
                                       const std::string& workspace_path, const std::string& run);

// A job's named outputs as run history records them (POST rundata, then
// batchGetResolvedUris): output name -> datastore URI
// ("azureml://subscriptions/…/datastores/NAME/paths/PATH/"). Outputs it cannot resolve are
// left out.
Result<std::vector<std::pair<std::string, std::string>>> get_named_output_uris(
    ArmClient& arm, const std::string& api, const std::string& workspace_path,
    const std::string& run);

}  // namespace jobc::azureml
