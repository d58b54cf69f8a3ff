#include "backends/azureml/job_settings.h"

#include <map>
#include <string>

#include "backends/azureml/rest_values.h"
#include "support/text.h"

namespace jobc::azureml {
namespace {

// Copies a field to `to[rest_key]` when the spec gives it.
template <class T>
void copy_field(const model::Field<T>& field, nlohmann::json& to, const char* rest_key) {
  if (field) to[rest_key] = *field;
}

std::string mapped(const std::map<std::string, std::string>& table, const std::string& key) {
  auto it = table.find(key);
  return it == table.end() ? key : it->second;
}

}  // namespace

nlohmann::json rest_distribution(const std::optional<model::Distribution>& distribution) {
  if (!distribution) return nullptr;
  std::string type = lower(distribution->type.value_or(""));
  nlohmann::json out;
  if (type == "tensorflow") {
    out["distributionType"] = "TensorFlow";
    // TensorFlowDistribution defaults parameter_server_count to 0 and always sends it.
    out["parameterServerCount"] = distribution->parameter_server_count.value_or(0);
    copy_field(distribution->worker_count, out, "workerCount");
  } else {
    out["distributionType"] = type == "mpi" ? "Mpi" : "PyTorch";
    copy_field(distribution->process_count_per_instance, out, "processCountPerInstance");
  }
  return out;
}

nlohmann::json rest_resources(const std::optional<model::Resources>& resources) {
  if (!resources) return nullptr;
  nlohmann::json out;
  copy_field(resources->instance_count, out, "instanceCount");
  copy_field(resources->instance_type, out, "instanceType");
  copy_field(resources->shm_size, out, "shmSize");
  copy_field(resources->docker_args_text, out, "dockerArgs");
  if (!resources->locations.is_null()) out["locations"] = model::to_json(resources->locations);
  // JobResourceConfiguration always carries a properties dict, empty by default.
  out["properties"] = resources->properties.is_map() ? model::to_json(resources->properties)
                                                     : nlohmann::json::object();
  return out;
}

nlohmann::json rest_command_limits(const model::CommandJob& job) {
  if (!job.limits_written && !job.timeout) return nullptr;
  nlohmann::json out = {{"jobLimitsType", "Command"}};
  if (job.timeout && *job.timeout != 0) out["timeout"] = iso_duration(*job.timeout);
  return out;
}

nlohmann::json rest_identity(const std::optional<model::Identity>& identity) {
  if (!identity) return nullptr;
  std::string type = lower(identity->type.value_or(""));
  if (type == "aml_token") return {{"identityType", "AMLToken"}};
  if (type == "user_identity") return {{"identityType", "UserIdentity"}};
  nlohmann::json out = {{"identityType", "Managed"}};
  copy_field(identity->client_id, out, "clientId");
  copy_field(identity->object_id, out, "objectId");
  copy_field(identity->msi_resource_id, out, "resourceId");
  return out;
}

nlohmann::json rest_services(const model::JobCommon& job) {
  const std::vector<model::Service>& services = job.services;
  if (services.empty() && !job.services_written) return nullptr;
  static const std::map<std::string, std::string> kServiceTypes = {
      {"jupyter_lab", "JupyterLab"},
      {"ssh", "SSH"},
      {"tensor_board", "TensorBoard"},
      {"vs_code", "VSCode"},
  };
  nlohmann::json out = nlohmann::json::object();
  for (const model::Service& service : services) {
    nlohmann::json rest = nlohmann::json::object();
    // `type:` (current CLI) or `job_service_type:` (SDK 1.4.0), either in entity or REST names.
    std::string type = service.type ? *service.type : service.job_service_type.value_or("");
    if (!type.empty()) rest["jobServiceType"] = mapped(kServiceTypes, type);
    copy_field(service.port, rest, "port");
    if (truthy_text(service.nodes)) rest["nodes"] = {{"nodesValueType", "All"}};
    nlohmann::json properties = nullptr;
    if (service.properties.is_map()) properties = string_map(service.properties);
    // SshJobService and TensorBoardJobService carry their setting as a property.
    for (auto [field, rest_key] : {std::pair{&service.ssh_public_keys, "sshPublicKeys"},
                                   std::pair{&service.log_dir, "logDir"}}) {
      if (!*field) continue;
      if (properties.is_null()) properties = nlohmann::json::object();
      properties[rest_key] = **field;
    }
    if (!properties.is_null() && !properties.empty()) rest["properties"] = properties;
    out[service.name] = rest;
  }
  return out;
}

nlohmann::json rest_queue_settings(const std::optional<model::QueueSettings>& queue_settings) {
  if (!queue_settings) return nullptr;
  static const std::map<std::string, std::string> kTiers = {
      {"null", "Null"},         {"spot", "Spot"},       {"basic", "Basic"},
      {"standard", "Standard"}, {"premium", "Premium"},
  };
  static const std::map<std::string, int> kPriorities = {{"low", 1}, {"medium", 2}, {"high", 3}};
  nlohmann::json out = nlohmann::json::object();
  if (const std::string* tier = truthy_text(queue_settings->job_tier)) {
    out["jobTier"] = mapped(kTiers, lower(*tier));
  }
  if (const std::string* priority = truthy_text(queue_settings->priority)) {
    if (auto it = kPriorities.find(lower(*priority)); it != kPriorities.end()) {
      out["priority"] = it->second;
    }
  }
  return out;
}

}  // namespace jobc::azureml
