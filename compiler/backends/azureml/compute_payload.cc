#include "backends/azureml/compute_payload.h"

#include <regex>

#include "backends/azureml/arm_paths.h"
#include "backends/azureml/backend_name.h"
#include "backends/azureml/rest_values.h"
#include "jobc/backend_registry.h"
#include "support/text.h"

namespace jobc::azureml {
namespace {

// The SDK's defaults (ComputeDefaults, AmlCompute.__init__, the REST model).
constexpr const char* kDefaultVmSize = "STANDARD_DS3_V2";
constexpr long long kDefaultMinInstances = 0;
constexpr long long kDefaultMaxInstances = 1;

// get_subnet_str: a full subnet id (validate_arm_str's pattern) is kept; anything else is a
// subnet name in `vnet_name`, in the workspace's subscription and resource group.
std::string subnet_id(const WorkspaceScope& scope, const model::Value& network) {
  std::string subnet = text_of(*network.find("subnet"));
  std::string lowered = lower(subnet);
  static const std::regex arm_id(
      "/subscriptions/[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}?/resourcegroups/.*/providers/"
      "[a-z.a-z]*/[a-z]*/.*");
  if (std::regex_match(lowered, arm_id)) return subnet;
  const model::Value* vnet = network.find("vnet_name");
  return "/subscriptions/" + scope.subscription + "/resourceGroups/" + scope.resource_group +
         "/providers/Microsoft.Network/virtualNetworks/" + (vnet ? text_of(*vnet) : "") +
         "/subnets/" + subnet;
}

// The setting `key` as written, or `fallback` when the spec leaves it out.
nlohmann::json setting_or(const model::Value& settings, std::string_view key,
                          nlohmann::json fallback) {
  const model::Value* value = settings.find(key);
  return value ? model::to_json(*value) : fallback;
}

nlohmann::json scale_settings(const model::Value& settings) {
  nlohmann::json out = {
      {"maxNodeCount", setting_or(settings, "max_instances", kDefaultMaxInstances)},
      {"minNodeCount", setting_or(settings, "min_instances", kDefaultMinInstances)}};
  const model::Value* idle = truthy_member(settings, "idle_time_before_scale_down");
  if (idle && (idle->kind == model::Value::Kind::Int || idle->kind == model::Value::Kind::Float)) {
    long long seconds = idle->kind == model::Value::Kind::Int
                            ? idle->integer
                            : static_cast<long long>(idle->number);
    out["nodeIdleTimeBeforeScaleDown"] = iso_duration(seconds);
  }
  return out;
}

nlohmann::json user_account_credentials(const model::Value& ssh) {
  nlohmann::json out = nlohmann::json::object();
  for (auto [key, rest_key] : {std::pair{"admin_username", "adminUserName"},
                               std::pair{"admin_password", "adminUserPassword"},
                               std::pair{"ssh_key_value", "adminUserSshPublicKey"}}) {
    if (const model::Value* value = ssh.find(key); value && !value->is_null()) {
      out[rest_key] = text_of(*value);
    }
  }
  return out;
}

// IdentityConfiguration._to_compute_rest_object: user-assigned identities keyed by resource
// id, each {} (their client and principal ids are read-only).
nlohmann::json identity(const model::Value& spec) {
  const model::Value* type = spec.find("type");
  nlohmann::json out = {{"type", snake_to_pascal(type ? text_of(*type) : "")}};
  nlohmann::json identities = nlohmann::json::object();
  if (const model::Value* given = spec.find("user_assigned_identities")) {
    if (given->is_list()) {
      for (const model::Value& item : given->items) {
        if (const model::Value* resource_id = item.find("resource_id")) {
          identities[text_of(*resource_id)] = nlohmann::json::object();
        }
      }
    } else if (given->is_map()) {
      for (const auto& [resource_id, item] : given->members) {
        identities[resource_id] = nlohmann::json::object();
      }
    }
  }
  if (!identities.empty()) out["userAssignedIdentities"] = identities;
  return out;
}

nlohmann::json aml_compute_properties(const AzureMlContext& context, const model::Value& settings) {
  const model::Value* public_ip = settings.find("enable_node_public_ip");
  nlohmann::json out = {
      {"vmSize", kDefaultVmSize},
      {"scaleSettings", scale_settings(settings)},
      {"osType", "Linux"},
      {"enableNodePublicIp",
       public_ip && public_ip->kind == model::Value::Kind::Bool ? public_ip->boolean : true}};
  if (const model::Value* size = truthy_member(settings, "size")) out["vmSize"] = text_of(*size);
  if (const model::Value* tier = truthy_member(settings, "tier")) {
    out["vmPriority"] = snake_to_pascal(text_of(*tier));
  }
  if (const model::Value* ssh = settings.find("ssh_settings"); ssh && ssh->is_map()) {
    out["userAccountCredentials"] = user_account_credentials(*ssh);
  }
  const model::Value* network = settings.find("network_settings");
  if (network && network->is_map() && truthy_member(*network, "subnet")) {
    out["subnet"] = {{"id", subnet_id(context.scope, *network)}};
  }
  const model::Value* ssh_access = settings.find("ssh_public_access_enabled");
  out["remoteLoginPortPublicAccess"] = !ssh_access || ssh_access->kind != model::Value::Kind::Bool
                                           ? "NotSpecified"
                                       : ssh_access->boolean ? "Enabled"
                                                             : "Disabled";
  return out;
}

}  // namespace

std::optional<nlohmann::json> compute_request(const AzureMlContext& context,
                                              const model::Compute& compute) {
  // Only the compute types this backend owns are Azure ML resources.
  const BackendEntry* owner = backend_for_compute_type(compute.type.value_or(""));
  if (!owner || owner->name != kBackendName) return std::nullopt;
  const model::Value& settings = compute.settings;
  nlohmann::json properties = {{"computeType", "AmlCompute"},
                               {"properties", aml_compute_properties(context, settings)}};
  if (const std::string* description = truthy_text(compute.description)) {
    properties["description"] = *description;
  }
  const std::string* location = truthy_text(compute.location);
  // Without a location the SDK asks the workspace for its own.
  nlohmann::json body = {{"location", location ? *location : context.scope.location},
                         {"properties", properties}};
  if (const model::Value* given = settings.find("identity"); given && given->is_map()) {
    body["identity"] = identity(*given);
  }
  if (compute.tags.truthy()) body["tags"] = string_map(compute.tags);
  nlohmann::json request =
      put_request(named_resource_id(context.scope, kComputes, compute.name.value_or("")),
                  kComputesApiVersion, body);
  request["long_running"] = true;  // poll Azure-AsyncOperation until provisioning ends
  return request;
}

}  // namespace jobc::azureml
