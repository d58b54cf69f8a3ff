// ARM ids and request paths of Azure ML workspace resources, formatted as azure-ai-ml 1.4.0
// formats them, and the api-versions it sends them with.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "jobc/compile.h"

namespace jobc::azureml {

inline constexpr std::string_view kJobsApiVersion = "2022-10-01-preview";
inline constexpr std::string_view kComputesApiVersion = "2022-10-01-preview";
inline constexpr std::string_view kAssetsApiVersion =
    "2022-05-01";  // code and environment versions

// Resource types as they appear in ids ("computes", "environments", ...).
inline constexpr std::string_view kCodes = "codes";
inline constexpr std::string_view kComputes = "computes";
inline constexpr std::string_view kData = "data";
inline constexpr std::string_view kEnvironments = "environments";
inline constexpr std::string_view kJobs = "jobs";
inline constexpr std::string_view kModels = "models";

// ".../workspaces/W/{type}/{name}"
std::string named_resource_id(const WorkspaceScope& scope, std::string_view type,
                              std::string_view name);
// ".../workspaces/W/{type}/{name}/versions/{version}"
std::string versioned_resource_id(const WorkspaceScope& scope, std::string_view type,
                                  std::string_view name, std::string_view version);
// "/subscriptions/S/resourceGroups/G/providers/Microsoft.MachineLearningServices/{type}/{name}"
// (resources outside a workspace, such as virtual clusters).
std::string level_one_resource_id(const WorkspaceScope& scope, std::string_view type,
                                  std::string_view name);

// The SDK's is_ARM_id_for_resource: an id of a workspace resource of `type` (any type when
// empty), or of a top-level resource when `in_workspace` is false. Case-insensitive.
bool is_arm_id(std::string_view text, std::string_view type = "", bool in_workspace = true);

// One element of requests.json.
nlohmann::json put_request(const std::string& path, std::string_view api_version,
                           nlohmann::json body);

}  // namespace jobc::azureml
