// The cluster a job runs on, created or attached by name: GET computes/NAME; when it is there,
// it is used as it is (a compute spec that differs gets a warning listing the differences; it
// is never updated unasked); when it is not, a compute spec creates it (PUT, a long-running
// operation followed with progress), and without one the error says how to create it.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "backends/azureml/service/arm_client.h"
#include "jobc/result.h"

namespace jobc::azureml {

struct ComputeWanted {
  std::string name;
  // The compute PUT a compute spec compiles to ({"method","path","api_version","body"});
  // null: the job only names the cluster.
  nlohmann::json create_request;
};

// The compute's ARM id, once it exists. `progress` gets the operation's progress and the
// warnings ("warning: ...").
Result<std::string> create_or_attach_compute(ArmClient& arm, const std::string& workspace_path,
                                             const ComputeWanted& wanted, std::ostream& progress);

// What differs between the compute a spec describes (`wanted`, the PUT body's
// properties.properties) and the one in the workspace (`existing`, the same of its GET),
// one "key: A in the spec, B in the workspace" each. Sizes are compared ignoring case.
std::vector<std::string> compute_differences(const nlohmann::json& wanted,
                                             const nlohmann::json& existing);

// A compute PUT body with its location: the spec's, else the workspace's (GET, as the SDK
// does).
Result<nlohmann::json> with_location(ArmClient& arm, const std::string& workspace_path,
                                     nlohmann::json body);

// Whether `error` is ARM's answer that the resource does not exist (404).
bool is_not_found(const Error& error);

}  // namespace jobc::azureml
