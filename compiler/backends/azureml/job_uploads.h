// The local files a job names (code, inputs, build contexts), uploaded before its requests
// are sent, as the requests generator listed them in azureml/uploads.json.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "backends/azureml/service/arm_client.h"
#include "backends/azureml/service/datastore.h"
#include "backends/azureml/storage/uploader.h"
#include "jobc/result.h"

namespace jobc::azureml {

struct PlannedUpload {
  std::string kind;  // code, input or build
  std::filesystem::path local;
  bool is_file = false;
  std::string datastore;
  std::string blob_prefix;  // "LocalUpload/<hash>/<basename>"
  std::string asset_name;
  std::string asset_version;
};

// The entries of azureml/uploads.json, their paths resolved against `spec_dir`.
Result<std::vector<PlannedUpload>> planned_uploads(const nlohmann::json& uploads,
                                                   const std::filesystem::path& spec_dir);

// What the uploader is asked to do for `planned`: every file it holds (as snapshot_files
// lists them), under its blob prefix, and the legacy az-ml-artifacts/ copy to look for.
Result<UploadRequest> upload_request(const PlannedUpload& planned, const std::string& container);

// Uploads `planned` to its datastore, saying on `progress` what was sent or reused (a live
// progress line when `terminal`).
Result<UploadOutcome> upload_planned(const PlannedUpload& planned, const Datastore& datastore,
                                     std::shared_ptr<HttpTransport> transport,
                                     std::ostream& progress, bool terminal);

// Uploads every entry of `uploads` (azureml/uploads.json) to its datastore, then links
// `requests` to them: blob URLs to the datastores' real ones (request_linking.h), a code
// version another client uploaded first to the name and version it recorded.
Result<nlohmann::json> upload_and_link(ArmClient& arm, std::shared_ptr<HttpTransport> transport,
                                       const std::string& workspace_path,
                                       const nlohmann::json& uploads,
                                       const std::filesystem::path& spec_dir,
                                       nlohmann::json requests, std::ostream& progress,
                                       bool terminal);

}  // namespace jobc::azureml
