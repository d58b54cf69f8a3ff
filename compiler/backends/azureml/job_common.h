// What command and sweep job bodies share: the assets a job refers to (code, environment,
// compute), the fields every job has (names, tags, inputs, outputs, identity, ...), and the
// SDK's rewriting of a command's old `{inputs.x}` syntax.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "backends/azureml/asset_references.h"
#include "backends/azureml/code_payload.h"
#include "backends/azureml/environment_payload.h"
#include "backends/azureml/requests.h"

namespace jobc::azureml {

struct JobAssets {
  std::optional<CodeAsset> code;
  std::optional<EnvironmentAsset> environment;
  ComputeTarget compute;
};

// `body` is what the job runs: a command job's body or a sweep's trial.
JobAssets job_assets(const AzureMlContext& context, const model::CommandBody& body);

// Where the job runs. A compute of a backend that runs jobs on this machine (a built-in name or
// a compute spec of its type) gets the SDK's local-run form, without a computeId. A compute
// spec of this backend's type, named by path, is its cluster; one of another backend is not an
// Azure ML target: no computeId at all. Any other name is a workspace compute.
ComputeTarget job_compute_target(const AzureMlContext& context, const model::ComputeRef& compute);

// The members every job body has, for `job_type` "Command" or "Sweep".
nlohmann::json job_base_properties(const AzureMlContext& context, const model::JobCommon& job,
                                   const char* job_type, const JobAssets& assets);

// The default experiment: the spec folder's name as Path.stem gives it, without spaces, or
// "Default" (the SDK uses its working directory; jobc compiles as if run from the spec's).
std::string default_experiment_name(const std::filesystem::path& spec_dir);

// map_single_brackets_and_warn: "{inputs.x}" -> "${{inputs.x}}" (and outputs, search_space).
std::string map_single_brackets(std::string command);

}  // namespace jobc::azureml
