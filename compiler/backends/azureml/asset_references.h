// References to workspace assets, resolved to what the SDK puts in a job body:
// environments, data and model inputs, code, and computes.
//
// Compile-time assumption: a label (`azureml:name@latest`) resolves to version "1". The SDK
// asks the workspace which version carries the label; jobc cannot, so it compiles as if for a
// fresh workspace where every asset has exactly one version – the conformance corpus was
// produced that way. Submit with `azureml:name:VERSION` to pin another version.
#pragma once

#include <optional>
#include <string>

#include "jobc/compile.h"

namespace jobc::azureml {

// The "1" every label resolves to (see above).
inline constexpr const char* kLabelVersion = "1";

// A job's `environment:` string: curated `azureml:AzureML-...` and `azureml://registries/...`
// unchanged; `azureml:/subscriptions/...` without its prefix; `azureml:name:version` and
// `azureml:name@label` as a versioned id. Anything else is sent as written.
std::string environment_id(const WorkspaceScope& scope, const std::string& reference);

// A code reference that is not a local path: `azureml:name:version`, `azureml:name@label`,
// `azureml:/subscriptions/...`; other remote forms are sent as written.
std::string code_id(const WorkspaceScope& scope, const std::string& reference);

// An input path that names an asset (`azureml:name:version`, `azureml:name@label`,
// `azureml:/subscriptions/...`): models for mlflow_model and custom_model inputs, data
// otherwise (the SDK's rule, triton_model included).
std::string input_asset_id(const WorkspaceScope& scope, const std::string& path,
                           const std::string& input_type);

// Where a job runs, as its body says it.
struct ComputeTarget {
  enum Kind { Workspace, Local, None } kind = None;
  std::string id;  // Workspace: the computeId
};

// A compute name as the SDK resolves it: `local` runs on this machine; `azureml:name` and
// `name` are workspace computes; ARM ids pass through.
ComputeTarget compute_target(const WorkspaceScope& scope, const std::string& compute);

}  // namespace jobc::azureml
