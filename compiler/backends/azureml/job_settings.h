// The optional sections of a job body, each from its YAML mapping: distribution, resources,
// limits, identity, services and queue settings. Each returns null when the spec has none.
#pragma once

#include <nlohmann/json.hpp>

namespace jobc::azureml {

// {"distributionType": "Mpi" | "PyTorch" | "TensorFlow", ...}
nlohmann::json rest_distribution(const nlohmann::json* distribution);
// {"instanceCount", "instanceType", "shmSize", "dockerArgs", "properties", "locations"}
nlohmann::json rest_resources(const nlohmann::json* resources);
// {"jobLimitsType": "Command", "timeout": "PT1H"}
nlohmann::json rest_command_limits(const nlohmann::json* limits);
// {"identityType": "Managed" | "AMLToken" | "UserIdentity", ...}
nlohmann::json rest_identity(const nlohmann::json* identity);
// {name: {"jobServiceType", "port", "nodes", "properties"}}
nlohmann::json rest_services(const nlohmann::json* services);
// {"jobTier": "Spot", "priority": 3}
nlohmann::json rest_queue_settings(const nlohmann::json* queue_settings);

}  // namespace jobc::azureml
