// The optional sections of a job body, each from its part of the model: distribution,
// resources, limits, identity, services and queue settings. Each returns null when the spec
// has none.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "jobc/model/job.h"

namespace jobc::azureml {

// {"distributionType": "Mpi" | "PyTorch" | "TensorFlow", ...}
nlohmann::json rest_distribution(const std::optional<model::Distribution>& distribution);
// {"instanceCount", "instanceType", "shmSize", "dockerArgs", "properties", "locations"}
nlohmann::json rest_resources(const std::optional<model::Resources>& resources);
// {"jobLimitsType": "Command", "timeout": "PT1H"}
nlohmann::json rest_command_limits(const model::CommandJob& job);
// {"identityType": "Managed" | "AMLToken" | "UserIdentity", ...}
nlohmann::json rest_identity(const std::optional<model::Identity>& identity);
// {name: {"jobServiceType", "port", "nodes", "properties"}}
nlohmann::json rest_services(const model::JobCommon& job);
// {"jobTier": "Spot", "priority": 3}
nlohmann::json rest_queue_settings(const std::optional<model::QueueSettings>& queue_settings);

}  // namespace jobc::azureml
