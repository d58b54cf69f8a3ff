#include "backends/azureml/service/run_history.h"

#include "backends/azureml/service/service_call.h"

namespace jobc::azureml {
namespace {

std::string without_trailing_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

Result<std::string> discover_history_api(ArmClient& arm, const std::string& workspace_path) {
  auto workspace =
      arm.send(service_call("GET", workspace_path, "2022-10-01-preview", "get the workspace"));
  if (!workspace) return workspace.error();
  const nlohmann::json& body = workspace->body;
  const nlohmann::json* url = nullptr;
  if (body.is_object() && body.contains("properties") && body["properties"].is_object() &&
      body["properties"].contains("discoveryUrl")) {
    url = &body["properties"]["discoveryUrl"];
  }
  if (!url || !url->is_string() || url->get<std::string>().empty()) {
    return fail("the workspace has no properties.discoveryUrl: cannot find its run history");
  }
  auto checked = check_url_transport(url->get<std::string>());
  if (!checked) return fail("the workspace's discovery URL: " + checked.error().message);
  // Anonymous, as the SDK sends it; ArmClient retries 429 and 5xx (the SDK: 413, 429, 5xx).
  auto discovery = arm.send(service_call("GET", url->get<std::string>(), "",
                                         "discover the workspace's services", std::nullopt, false));
  if (!discovery) return discovery.error();
  const nlohmann::json& services = discovery->body;
  if (!services.is_object() || !services.contains("api") || !services["api"].is_string() ||
      services["api"].get<std::string>().empty()) {
    return fail("the workspace's discovery document names no \"api\" service");
  }
  std::string api = without_trailing_slash(services["api"].get<std::string>());
  auto api_checked = check_url_transport(api);
  if (!api_checked) return fail("run history's URL: " + api_checked.error().message);
  return api;
}

Result<nlohmann::json> get_run_details(ArmClient& arm, const std::string& api,
                                       const std::string& workspace_path, const std::string& run) {
  auto got = arm.send(
      service_call("GET", api + "/history/v1.0" + workspace_path + "/runs/" + run + "/details", "",
                   "get the run details of job " + run));
  if (!got) return got.error();
  if (!got->body.is_object()) return fail("run history sent no details for job " + run);
  return got->body;
}

Result<std::vector<std::pair<std::string, std::string>>> get_named_output_uris(
    ArmClient& arm, const std::string& api, const std::string& workspace_path,
    const std::string& run) {
  std::vector<std::pair<std::string, std::string>> uris;
  auto data = arm.send(service_call("POST", api + "/history/v1.0" + workspace_path + "/rundata", "",
                                    "get the run data of job " + run,
                                    nlohmann::json{{"runId", run},
                                                   {"selectRunMetadata", true},
                                                   {"selectRunDefinition", true},
                                                   {"selectJobSpecification", true}}));
  if (!data) return data.error();
  const nlohmann::json outputs =
      data->body.is_object() && data->body.contains("runMetadata") &&
              data->body["runMetadata"].is_object()
          ? data->body["runMetadata"].value("outputs", nlohmann::json::object())
          : nlohmann::json::object();
  if (!outputs.is_object() || outputs.empty()) return uris;
  std::vector<std::pair<std::string, std::string>> assets;  // output -> asset id
  nlohmann::json values = nlohmann::json::array();
  for (const auto& [output, spec] : outputs.items()) {
    if (spec.is_object() && spec.contains("assetId") && spec["assetId"].is_string()) {
      assets.emplace_back(output, spec["assetId"].get<std::string>());
      values.push_back(assets.back().second);
    }
  }
  if (assets.empty()) return uris;
  auto resolved = arm.send(service_call(
      "POST", api + "/data/v1.0" + workspace_path + "/dataversion/batchGetResolvedUris", "",
      "resolve the named outputs of job " + run, nlohmann::json{{"values", values}}));
  if (!resolved) return resolved.error();
  const nlohmann::json& body = resolved->body;
  if (!body.is_object() || !body.contains("values") || !body["values"].is_object()) return uris;
  for (const auto& [output, asset] : assets) {
    auto found = body["values"].find(asset);
    if (found != body["values"].end() && found->is_object() && found->contains("uri") &&
        (*found)["uri"].is_string()) {
      uris.emplace_back(output, (*found)["uri"].get<std::string>());
    }
  }
  return uris;
}

}  // namespace jobc::azureml
