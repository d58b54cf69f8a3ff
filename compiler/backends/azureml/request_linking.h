// Linking the compiled requests (azureml/requests.json) to one workspace at submit time, as a
// linker fills in addresses: the blob URLs' placeholders become the datastores' real service
// URL and container, the job gets this run's name and compute, and a code version another
// client uploaded first is named as that client recorded it. Never a recompile: only strings
// in the compiled requests change.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "jobc/result.h"

namespace jobc::azureml {

// A datastore's blob container as the compiled URLs name it and as it really is.
struct LinkedDatastore {
  std::string service_url;  // "https://acct.blob.core.windows.net", "http://127.0.0.1:10000/acct"
  std::string container;
};

// Every string in `value` with each `from` replaced by `to` (keys are kept).
nlohmann::json replace_in_strings(nlohmann::json value, const std::string& from,
                                  const std::string& to);

// "https://{storageAccount}.blob.core.windows.net/{blobContainer}" (the default datastore) and
// "https://{NAME.storageAccount}.blob.core.windows.net/{NAME.blobContainer}" replaced by each
// datastore's SERVICE_URL/CONTAINER. `datastores` is keyed by datastore name.
nlohmann::json link_blob_urls(nlohmann::json requests,
                              const std::map<std::string, LinkedDatastore>& datastores);

// The workspace's ARM path the job request is addressed to ("/subscriptions/.../workspaces/W"),
// from the last request (the job's PUT). An error when the compilation had no workspace (its
// paths keep the {subscriptionId} placeholders) or the last request is not a job.
Result<std::string> job_workspace_path(const nlohmann::json& requests);

// The workspace's ARM path a request path is addressed to (up to "/workspaces/W"), or the
// same error as job_workspace_path's when it keeps placeholders.
Result<std::string> workspace_path_of(const std::string& request_path);

// The job's name in its PUT path.
std::string job_name_of(const nlohmann::json& requests);

// The job PUT renamed to `name` (its path, and its displayName when it was the old name) and
// sent to compute `compute_id` (when not empty).
nlohmann::json link_job(nlohmann::json requests, const std::string& name,
                        const std::string& compute_id);

}  // namespace jobc::azureml
