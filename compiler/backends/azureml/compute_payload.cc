#include "backends/azureml/compute_payload.h"

#include <regex>

#include "backends/azureml/arm_paths.h"
#include "backends/azureml/rest_values.h"

namespace jobc::azureml {
namespace {

// The SDK's defaults (ComputeDefaults, AmlCompute.__init__, the REST model).
constexpr const char* kDefaultVmSize = "STANDARD_DS3_V2";
constexpr long long kDefaultMinInstances = 0;
constexpr long long kDefaultMaxInstances = 1;

// get_subnet_str: a full subnet id (validate_arm_str's pattern) is kept; anything else is a
// subnet name in `vnet_name`, in the workspace's subscription and resource group.
std::string subnet_id(const WorkspaceScope& scope, const nlohmann::json& network) {
  std::string subnet = text_of(network.at("subnet"));
  std::string lowered = lower(subnet);
  static const std::regex arm_id(
      "/subscriptions/[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}?/resourcegroups/.*/providers/"
      "[a-z.a-z]*/[a-z]*/.*");
  if (std::regex_match(lowered, arm_id)) return subnet;
  return "/subscriptions/" + scope.subscription + "/resourceGroups/" + scope.resource_group +
         "/providers/Microsoft.Network/virtualNetworks/" + network.value("vnet_name", "") +
         "/subnets/" + subnet;
}

nlohmann::json scale_settings(const nlohmann::json& spec) {
  nlohmann::json out = {{"maxNodeCount", spec.value("max_instances", kDefaultMaxInstances)},
                        {"minNodeCount", spec.value("min_instances", kDefaultMinInstances)}};
  if (const nlohmann::json* idle = truthy_member(spec, "idle_time_before_scale_down");
      idle && idle->is_number()) {
    out["nodeIdleTimeBeforeScaleDown"] = iso_duration(idle->get<long long>());
  }
  return out;
}

nlohmann::json user_account_credentials(const nlohmann::json& ssh) {
  nlohmann::json out = nlohmann::json::object();
  for (auto [key, rest_key] : {std::pair{"admin_username", "adminUserName"},
                               std::pair{"admin_password", "adminUserPassword"},
                               std::pair{"ssh_key_value", "adminUserSshPublicKey"}}) {
    if (auto value = ssh.find(key); value != ssh.end() && !value->is_null()) {
      out[rest_key] = text_of(*value);
    }
  }
  return out;
}

// IdentityConfiguration._to_compute_rest_object: user-assigned identities keyed by resource
// id, each {} (their client and principal ids are read-only).
nlohmann::json identity(const nlohmann::json& spec) {
  nlohmann::json out = {{"type", snake_to_pascal(text_of(spec.value("type", nlohmann::json(""))))}};
  nlohmann::json identities = nlohmann::json::object();
  if (auto given = spec.find("user_assigned_identities"); given != spec.end()) {
    if (given->is_array()) {
      for (const nlohmann::json& item : *given) {
        if (item.is_object() && item.contains("resource_id")) {
          identities[text_of(item["resource_id"])] = nlohmann::json::object();
        }
      }
    } else if (given->is_object()) {
      for (const auto& [resource_id, item] : given->items()) {
        identities[resource_id] = nlohmann::json::object();
      }
    }
  }
  if (!identities.empty()) out["userAssignedIdentities"] = identities;
  return out;
}

nlohmann::json aml_compute_properties(const AzureMlContext& context, const nlohmann::json& spec) {
  nlohmann::json out = {{"vmSize", kDefaultVmSize},
                        {"scaleSettings", scale_settings(spec)},
                        {"osType", "Linux"},
                        {"enableNodePublicIp", spec.value("enable_node_public_ip", true)}};
  if (const nlohmann::json* size = truthy_member(spec, "size")) out["vmSize"] = text_of(*size);
  if (const nlohmann::json* tier = truthy_member(spec, "tier")) {
    out["vmPriority"] = snake_to_pascal(text_of(*tier));
  }
  if (auto ssh = spec.find("ssh_settings"); ssh != spec.end() && ssh->is_object()) {
    out["userAccountCredentials"] = user_account_credentials(*ssh);
  }
  auto network = spec.find("network_settings");
  if (network != spec.end() && network->is_object() && truthy_member(*network, "subnet")) {
    out["subnet"] = {{"id", subnet_id(context.scope, *network)}};
  }
  auto ssh_access = spec.find("ssh_public_access_enabled");
  out["remoteLoginPortPublicAccess"] = ssh_access == spec.end() || !ssh_access->is_boolean()
                                           ? "NotSpecified"
                                       : ssh_access->get<bool>() ? "Enabled"
                                                                 : "Disabled";
  return out;
}

}  // namespace

std::optional<nlohmann::json> compute_request(const AzureMlContext& context) {
  const nlohmann::json& spec = context.spec.doc.root;
  if (lower(spec.value("type", "")) != "amlcompute") return std::nullopt;
  nlohmann::json properties = {{"computeType", "AmlCompute"},
                               {"properties", aml_compute_properties(context, spec)}};
  if (const nlohmann::json* description = truthy_member(spec, "description")) {
    properties["description"] = text_of(*description);
  }
  const nlohmann::json* location = truthy_member(spec, "location");
  // Without a location the SDK asks the workspace for its own.
  nlohmann::json body = {{"location", location ? text_of(*location) : context.scope.location},
                         {"properties", properties}};
  if (auto given = spec.find("identity"); given != spec.end() && given->is_object()) {
    body["identity"] = identity(*given);
  }
  if (const nlohmann::json* tags = truthy_member(spec, "tags")) body["tags"] = string_map(tags);
  std::string name = text_of(spec.value("name", nlohmann::json("")));
  nlohmann::json request =
      put_request(named_resource_id(context.scope, kComputes, name), kComputesApiVersion, body);
  request["long_running"] = true;  // poll Azure-AsyncOperation until provisioning ends
  return request;
}

}  // namespace jobc::azureml
