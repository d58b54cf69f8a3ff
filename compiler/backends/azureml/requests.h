// The Azure ML ARM requests a job, environment or compute spec becomes, in the order they must
// be sent, each {"method", "path", "api_version", "body"}: exactly what the official SDK
// (azure-ai-ml 1.4.0) would send. Built from the typed model (jobc/model/).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "jobc/compile.h"
#include "jobc/model/spec.h"

namespace jobc {

struct AzureMlContext {
  const model::Spec& spec;
  const WorkspaceScope& scope;
  std::string job_name;  // for jobs: the name to PUT under
  InputRecord& inputs;   // record every file read (code, inputs, build contexts)
  DiagnosticSink& sink;
  const DigestPrefetch* prefetch = nullptr;  // upload hashes already under way, if any
  // The workspace's default datastore (workspaceblobstore): its storage account and blob
  // container name the blobs of uploaded code and build contexts. The SDK asks the workspace
  // for them at submit time; without them the URLs keep these placeholders.
  std::string storage_account = "{storageAccount}";
  std::string blob_container = "{blobContainer}";
  // Where each local upload is recorded for the submitter (azureml/uploads.json, see
  // local_uploads.h); null: not recorded.
  nlohmann::json* uploads = nullptr;
};

// The requests as a JSON array; empty when nothing of the spec is an Azure ML resource (a
// compute spec of another backend). AzureMlRequestsGenerator writes them to
// azureml/requests.json.
nlohmann::json azureml_requests(const AzureMlContext& context);

}  // namespace jobc
