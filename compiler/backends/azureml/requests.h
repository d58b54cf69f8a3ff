// Emits azureml/requests.json: the Azure ML ARM requests a job, environment or compute
// spec becomes, in the order they must be sent, each {"method", "path", "api_version",
// "body"} – exactly what the official SDK (azure-ai-ml 1.4.0) would send.
#pragma once

#include "codegen/environment_recipe.h"
#include "jobc/compile.h"

namespace jobc {

struct AzureMlContext {
  const LoadedSpec& spec;
  const WorkspaceScope& scope;
  std::string job_name;                  // for jobs: the name to PUT under
  const EnvironmentRecipe* environment;  // the job's or the spec's environment, or null
  InputRecord& inputs;                   // record every file read (code, contexts)
  DiagnosticSink& sink;
  const DigestPrefetch* prefetch = nullptr;  // upload hashes already under way, if any
  // The workspace's default datastore (workspaceblobstore): its storage account and blob
  // container name the blobs of uploaded code and build contexts. The SDK asks the workspace
  // for them at submit time; without them the URLs keep these placeholders.
  std::string storage_account = "{storageAccount}";
  std::string blob_container = "{blobContainer}";
};

// The requests as a JSON array (also written to azureml/requests.json by emit_azureml).
nlohmann::json azureml_requests(AzureMlContext& context);
void emit_azureml(AzureMlContext& context, OutputSet& outputs);

}  // namespace jobc
