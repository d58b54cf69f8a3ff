#include "backends/azureml/service/datastore.h"

#include "backends/azureml/service/service_call.h"

namespace jobc::azureml {
namespace {

std::string text_at(const nlohmann::json& object, const char* key) {
  auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : "";
}

}  // namespace

Result<Datastore> open_datastore(ArmClient& arm, const std::string& workspace_path,
                                 const std::string& name) {
  std::string path = workspace_path + "/datastores/" + name;
  auto got = arm.send(service_call("GET", path, "2022-10-01", "get datastore " + name));
  if (!got) return got.error();
  const nlohmann::json& body = got->body;
  if (!body.is_object() || !body.contains("properties") || !body["properties"].is_object()) {
    return fail("datastore " + name + ": the service's reply has no properties");
  }
  const nlohmann::json& properties = body["properties"];
  std::string type = text_at(properties, "datastoreType");
  if (type != "AzureBlob") {
    return fail("datastore " + name + " is of type '" + type +
                "': jobc reads and writes Azure Blob datastores only");
  }
  Datastore datastore;
  datastore.name = name;
  datastore.container = text_at(properties, "containerName");
  datastore.account.name = text_at(properties, "accountName");
  if (datastore.container.empty() || datastore.account.name.empty()) {
    return fail("datastore " + name + " names no storage account or container");
  }
  std::string endpoint = text_at(properties, "endpoint");
  std::string protocol = text_at(properties, "protocol");
  auto url =
      blob_service_url(datastore.account.name, endpoint.empty() ? "core.windows.net" : endpoint,
                       protocol.empty() ? "https" : protocol);
  if (!url) return fail("datastore " + name + ": " + url.error().message);
  datastore.account.service_url = *url;

  std::string kind;
  if (properties.contains("credentials") && properties["credentials"].is_object()) {
    kind = text_at(properties["credentials"], "credentialsType");
  }
  // As the SDK: listSecrets only for a datastore that stores credentials. One without
  // (identity-based access) would need an Entra ID token for storage, which jobc does not ask.
  if (kind.empty() || kind == "None") {
    return fail("datastore " + name +
                " keeps no credentials (identity-based access): jobc needs a datastore with an "
                "account key; give the workspace's datastore its storage account key");
  }
  if (kind != "AccountKey") {
    return fail("datastore " + name + " has credentials of type " + kind +
                ": jobc supports account-key datastores only");
  }
  auto secrets = arm.send(service_call("POST", path + "/listSecrets", "2022-10-01",
                                       "list the secrets of datastore " + name));
  if (!secrets) return secrets.error();
  const nlohmann::json& reply = secrets->body;
  if (!reply.is_object() || text_at(reply, "secretsType") != "AccountKey" ||
      text_at(reply, "key").empty()) {
    return fail("datastore " + name + ": listSecrets returned no account key");
  }
  datastore.account.key = text_at(reply, "key");
  return datastore;
}

}  // namespace jobc::azureml
