// A workspace's datastore as the SDK reaches it: GET datastores/NAME for its account,
// container, endpoint and protocol, then POST .../listSecrets for the account key (kept in
// memory only). Used to upload (workspaceblobstore) and to download a job's files
// (workspaceartifactstore).
#pragma once

#include <string>

#include "backends/azureml/service/arm_client.h"
#include "backends/azureml/storage/blob_client.h"
#include "jobc/result.h"

namespace jobc::azureml {

struct Datastore {
  std::string name;       // "workspaceblobstore"
  std::string container;  // "azureml-blobstore-<guid>"
  BlobAccount account;    // service URL from endpoint/protocol, name, key (a secret)
};

// `workspace_path`: "/subscriptions/S/resourceGroups/G/providers/.../workspaces/W".
// A datastore whose credentials are not an account key is refused, saying which kind it has.
Result<Datastore> open_datastore(ArmClient& arm, const std::string& workspace_path,
                                 const std::string& name);

}  // namespace jobc::azureml
