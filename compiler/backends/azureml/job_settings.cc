#include "backends/azureml/job_settings.h"

#include <map>
#include <string>

#include "backends/azureml/rest_values.h"

namespace jobc::azureml {
namespace {

bool is_object(const nlohmann::json* node) {
  return node && node->is_object();
}

// Copies `from[key]` to `to[rest_key]` when present and not null.
void copy_member(const nlohmann::json& from, const char* key, nlohmann::json& to,
                 const char* rest_key) {
  auto it = from.find(key);
  if (it != from.end() && !it->is_null()) to[rest_key] = *it;
}

std::string mapped(const std::map<std::string, std::string>& table, const std::string& key) {
  auto it = table.find(key);
  return it == table.end() ? key : it->second;
}

}  // namespace

nlohmann::json rest_distribution(const nlohmann::json* distribution) {
  if (!is_object(distribution)) return nullptr;
  std::string type = lower(distribution->value("type", ""));
  nlohmann::json out;
  if (type == "tensorflow") {
    out["distributionType"] = "TensorFlow";
    // TensorFlowDistribution defaults parameter_server_count to 0 and always sends it.
    out["parameterServerCount"] = distribution->value("parameter_server_count", 0);
    copy_member(*distribution, "worker_count", out, "workerCount");
  } else {
    out["distributionType"] = type == "mpi" ? "Mpi" : "PyTorch";
    copy_member(*distribution, "process_count_per_instance", out, "processCountPerInstance");
  }
  return out;
}

nlohmann::json rest_resources(const nlohmann::json* resources) {
  if (!is_object(resources)) return nullptr;
  nlohmann::json out;
  copy_member(*resources, "instance_count", out, "instanceCount");
  copy_member(*resources, "instance_type", out, "instanceType");
  copy_member(*resources, "shm_size", out, "shmSize");
  copy_member(*resources, "docker_args", out, "dockerArgs");
  copy_member(*resources, "locations", out, "locations");
  // JobResourceConfiguration always carries a properties dict, empty by default.
  auto properties = resources->find("properties");
  out["properties"] = properties != resources->end() && properties->is_object()
                          ? *properties
                          : nlohmann::json::object();
  return out;
}

nlohmann::json rest_command_limits(const nlohmann::json* limits) {
  if (!is_object(limits)) return nullptr;
  nlohmann::json out = {{"jobLimitsType", "Command"}};
  if (const nlohmann::json* timeout = truthy_member(*limits, "timeout");
      timeout && timeout->is_number()) {
    out["timeout"] = iso_duration(timeout->get<long long>());
  }
  return out;
}

nlohmann::json rest_identity(const nlohmann::json* identity) {
  if (!is_object(identity)) return nullptr;
  std::string type = lower(identity->value("type", ""));
  if (type == "aml_token") return {{"identityType", "AMLToken"}};
  if (type == "user_identity") return {{"identityType", "UserIdentity"}};
  nlohmann::json out = {{"identityType", "Managed"}};
  copy_member(*identity, "client_id", out, "clientId");
  copy_member(*identity, "object_id", out, "objectId");
  copy_member(*identity, "msi_resource_id", out, "resourceId");
  return out;
}

nlohmann::json rest_services(const nlohmann::json* services) {
  if (!is_object(services)) return nullptr;
  static const std::map<std::string, std::string> kServiceTypes = {
      {"jupyter_lab", "JupyterLab"},
      {"ssh", "SSH"},
      {"tensor_board", "TensorBoard"},
      {"vs_code", "VSCode"},
  };
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, service] : services->items()) {
    nlohmann::json rest = nlohmann::json::object();
    if (!service.is_object()) {
      out[name] = rest;
      continue;
    }
    // `type:` (current CLI) or `job_service_type:` (SDK 1.4.0), either in entity or REST names.
    std::string type = service.value("type", service.value("job_service_type", ""));
    if (!type.empty()) rest["jobServiceType"] = mapped(kServiceTypes, type);
    copy_member(service, "port", rest, "port");
    if (truthy_member(service, "nodes")) rest["nodes"] = {{"nodesValueType", "All"}};
    nlohmann::json properties = nullptr;
    if (auto given = service.find("properties"); given != service.end() && given->is_object()) {
      properties = string_map(&*given);
    }
    // SshJobService and TensorBoardJobService carry their setting as a property.
    for (auto [key, rest_key] :
         {std::pair{"ssh_public_keys", "sshPublicKeys"}, std::pair{"log_dir", "logDir"}}) {
      if (auto value = service.find(key); value != service.end() && !value->is_null()) {
        if (properties.is_null()) properties = nlohmann::json::object();
        properties[rest_key] = text_of(*value);
      }
    }
    if (truthy(properties)) rest["properties"] = properties;
    out[name] = rest;
  }
  return out;
}

nlohmann::json rest_queue_settings(const nlohmann::json* queue_settings) {
  if (!is_object(queue_settings)) return nullptr;
  static const std::map<std::string, std::string> kTiers = {
      {"null", "Null"},         {"spot", "Spot"},       {"basic", "Basic"},
      {"standard", "Standard"}, {"premium", "Premium"},
  };
  static const std::map<std::string, int> kPriorities = {{"low", 1}, {"medium", 2}, {"high", 3}};
  nlohmann::json out = nlohmann::json::object();
  if (const nlohmann::json* tier = truthy_member(*queue_settings, "job_tier")) {
    out["jobTier"] = mapped(kTiers, lower(text_of(*tier)));
  }
  if (const nlohmann::json* priority = truthy_member(*queue_settings, "priority")) {
    if (auto it = kPriorities.find(lower(text_of(*priority))); it != kPriorities.end()) {
      out["priority"] = it->second;
    }
  }
  return out;
}

}  // namespace jobc::azureml
