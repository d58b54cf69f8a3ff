// Environment versions: the body the SDK sends for an environment (image and conda file,
// or a build context it uploads first), named for an environment spec, anonymous
// (CliV2AnonymousEnvironment, versioned by content) for a job's inline environment.
#pragma once

#include <optional>
#include <string>

#include "backends/azureml/requests.h"

namespace jobc::azureml {

struct EnvironmentAsset {
  std::string id;          // the job's environmentId
  nlohmann::json request;  // the environment version PUT; null for a reference
};

// The environment of a command job or a sweep's trial: a reference resolves to an id; an
// inline mapping, or an environment file the job names by path, becomes an anonymous version.
// nullopt when there is none, or a local build context cannot be read (reported).
std::optional<EnvironmentAsset> job_environment(const AzureMlContext& context,
                                                const model::CommandBody& body);

// An environment spec: its named version, the given `version:` or "1" (the first version in a
// workspace that has none yet).
std::optional<EnvironmentAsset> named_environment(const AzureMlContext& context,
                                                  const model::Environment& environment);

}  // namespace jobc::azureml
