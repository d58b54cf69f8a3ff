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

// `base` is where the job's command sits: "" for a command job, "/trial" for a sweep.
JobAssets job_assets(const AzureMlContext& context, const std::string& base);

// Where the job runs. `local` and `docker` (and compute specs of those types) run on this
// machine: the SDK's local-run form, without a computeId. An amlcompute spec named by path is
// its cluster. A Slurm spec is not an Azure ML target: no computeId at all.
ComputeTarget job_compute_target(const AzureMlContext& context);

// The members every job body has, for `job_type` "Command" or "Sweep".
nlohmann::json job_base_properties(const AzureMlContext& context, const char* job_type,
                                   const JobAssets& assets);

// The default experiment: the spec folder's name as Path.stem gives it, without spaces, or
// "Default" (the SDK uses its working directory; jobc compiles as if run from the spec's).
std::string default_experiment_name(const std::filesystem::path& spec_dir);

// map_single_brackets_and_warn: "{inputs.x}" -> "${{inputs.x}}" (and outputs, search_space).
std::string map_single_brackets(std::string command);

// The spec's value at `pointer` (a JSON pointer such as "/trial/command"), or null.
const nlohmann::json* member_at(const AzureMlContext& context, const std::string& pointer);

}  // namespace jobc::azureml
