#include "backends/azureml/request_linking.h"

#include <fmt/format.h>

#include "backends/azureml/local_uploads.h"

namespace jobc::azureml {

nlohmann::json replace_in_strings(nlohmann::json value, const std::string& from,
                                  const std::string& to) {
  if (from.empty()) return value;
  if (value.is_string()) {
    std::string text = value.get<std::string>();
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
      text.replace(at, from.size(), to);
    return text;
  }
  if (value.is_structured()) {
    for (auto& member : value) member = replace_in_strings(std::move(member), from, to);
  }
  return value;
}

nlohmann::json link_blob_urls(nlohmann::json requests,
                              const std::map<std::string, LinkedDatastore>& datastores) {
  for (const auto& [name, store] : datastores) {
    bool is_default = name == kDefaultDatastore;
    std::string account = is_default ? "{storageAccount}" : "{" + name + ".storageAccount}";
    std::string container = is_default ? "{blobContainer}" : "{" + name + ".blobContainer}";
    requests = replace_in_strings(
        std::move(requests), fmt::format("https://{}.blob.core.windows.net/{}", account, container),
        store.service_url + "/" + store.container);
  }
  return requests;
}

namespace {

const nlohmann::json* job_request(const nlohmann::json& requests) {
  if (!requests.is_array() || requests.empty() || !requests.back().is_object()) return nullptr;
  const nlohmann::json& last = requests.back();
  auto path = last.find("path");
  if (path == last.end() || !path->is_string()) return nullptr;
  if (path->get<std::string>().find("/jobs/") == std::string::npos) return nullptr;
  return &last;
}

}  // namespace

Result<std::string> job_workspace_path(const nlohmann::json& requests) {
  const nlohmann::json* job = job_request(requests);
  if (!job) return fail("the compiled azureml/requests.json has no job to submit");
  return workspace_path_of(job->at("path").get<std::string>());
}

Result<std::string> workspace_path_of(const std::string& path) {
  size_t at = path.find("/workspaces/");
  if (at == std::string::npos) return fail("request path " + path + " names no workspace");
  std::string workspace = path.substr(0, path.find('/', at + 12));
  if (workspace.find('{') != std::string::npos) {
    return fail(
        "no Azure ML workspace is named: give --subscription, --resource-group and "
        "--workspace-name, or put a config.json (from the workspace's page in the Azure portal) "
        "in this folder or a parent");
  }
  return workspace;
}

std::string job_name_of(const nlohmann::json& requests) {
  const nlohmann::json* job = job_request(requests);
  if (!job) return "";
  std::string path = job->at("path").get<std::string>();
  return path.substr(path.rfind("/jobs/") + 6);
}

nlohmann::json link_job(nlohmann::json requests, const std::string& name,
                        const std::string& compute_id) {
  if (!job_request(requests)) return requests;
  nlohmann::json& job = requests.back();
  std::string path = job["path"].get<std::string>();
  std::string old_name = path.substr(path.rfind("/jobs/") + 6);
  job["path"] = path.substr(0, path.rfind("/jobs/") + 6) + name;
  nlohmann::json& properties = job["body"]["properties"];
  if (properties.is_object()) {
    if (properties.value("displayName", "") == old_name) properties["displayName"] = name;
    if (!compute_id.empty()) properties["computeId"] = compute_id;
  }
  return requests;
}

}  // namespace jobc::azureml
