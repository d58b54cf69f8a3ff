#include "backends/azureml/asset_references.h"

#include "backends/azureml/arm_paths.h"
#include "backends/azureml/rest_values.h"
#include "support/text.h"

namespace jobc::azureml {
namespace {

constexpr std::string_view kPrefix = "azureml:";

std::string without_prefix(const std::string& text) {
  return text.rfind(kPrefix, 0) == 0 ? text.substr(kPrefix.size()) : text;
}

// name:version or name@label (the last '@' wins, as in parse_name_label; the first ':'
// splits a version, as in parse_name_version). Empty version when neither is there.
struct NameVersion {
  std::string name;
  std::string version;
};

NameVersion split_name_version(const std::string& text) {
  if (size_t at = text.rfind('@'); at != std::string::npos) {
    return {text.substr(0, at), kLabelVersion};
  }
  if (size_t colon = text.find(':'); colon != std::string::npos) {
    return {text.substr(0, colon), text.substr(colon + 1)};
  }
  return {text, ""};
}

// The shared path of environments, code and inputs: ids pass through, short names become
// versioned ids, and a bare name (the SDK refuses it) is sent as written.
std::string versioned_asset_id(const WorkspaceScope& scope, const std::string& reference,
                               std::string_view type) {
  if (reference.rfind("azureml://", 0) == 0) return reference;
  std::string text = without_prefix(reference);
  if (is_arm_id(text)) return text;
  if (text.find('/') != std::string::npos) return reference;
  NameVersion parsed = split_name_version(text);
  if (parsed.version.empty()) return reference;
  return versioned_resource_id(scope, type, parsed.name, parsed.version);
}

}  // namespace

std::string environment_id(const WorkspaceScope& scope, const std::string& reference) {
  std::string text = without_prefix(reference);
  if (reference.rfind(kPrefix, 0) == 0 && text.rfind("AzureML-", 0) == 0) return reference;
  return versioned_asset_id(scope, reference, kEnvironments);
}

std::string code_id(const WorkspaceScope& scope, const std::string& reference) {
  if (reference.rfind(kPrefix, 0) != 0) return reference;  // git+..., https://...
  return versioned_asset_id(scope, reference, kCodes);
}

std::string input_asset_id(const WorkspaceScope& scope, const std::string& path,
                           const std::string& input_type) {
  bool model = input_type == "mlflow_model" || input_type == "custom_model";
  return versioned_asset_id(scope, path, model ? kModels : kData);
}

ComputeTarget compute_target(const WorkspaceScope& scope, const std::string& compute) {
  if (lower(compute) == "local") return {ComputeTarget::Local, ""};
  std::string name = without_prefix(compute);
  if (lower(name).rfind("virtualclusters/", 0) == 0) {
    // azureml:virtualClusters/NAME: a virtual cluster outside the workspace.
    return {ComputeTarget::Workspace,
            level_one_resource_id(scope, "virtualclusters", name.substr(16))};
  }
  if (is_arm_id(name, "virtualclusters", false) || is_arm_id(name, kComputes)) {
    return {ComputeTarget::Workspace, name};
  }
  return {ComputeTarget::Workspace, named_resource_id(scope, kComputes, name)};
}

}  // namespace jobc::azureml
