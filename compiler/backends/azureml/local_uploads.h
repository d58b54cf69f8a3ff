// Local files and folders the SDK uploads before it sends a request (code folders, local job
// inputs, build contexts): where their blobs go and the URIs the payloads use for them.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "backends/azureml/requests.h"

namespace jobc::azureml {

inline constexpr const char* kDefaultDatastore = "workspaceblobstore";

// A local path as the SDK uploads it: LocalUpload/<upload_hash>/<basename>[/...].
struct LocalUpload {
  std::string hash;           // upload_hash of the file or folder
  std::string relative_path;  // "LocalUpload/<hash>/<basename>", within the blob container
  bool is_file = false;
};

// What an upload is for, as azureml/uploads.json names it.
enum class UploadKind { Code, Input, Build };

// Hashes `path` (resolved like Python's Path.resolve()) and records every file it uploads in
// context.inputs, shown as `shown`/<file>, and the upload in context.uploads (to the datastore
// `datastore`). Reports an unreadable path at `at` (where the spec names it) and returns
// nullopt.
std::optional<LocalUpload> local_upload(const AzureMlContext& context,
                                        const std::filesystem::path& path, const std::string& shown,
                                        const Location& at, UploadKind kind,
                                        const std::string& datastore = kDefaultDatastore);

// The datastore name the SDK uploads to: `name` without an "azureml:" prefix or an ARM id's
// path, workspaceblobstore when empty.
std::string datastore_name(const std::string& name);

// "azureml://datastores/<datastore>/paths/<relative_path>"
std::string datastore_uri(const std::string& datastore, const std::string& relative_path);

// "https://<account>.blob.core.windows.net/<container>/<relative_path>" for the default
// datastore; placeholders name another datastore's account and container.
std::string blob_url(const AzureMlContext& context, const std::string& datastore,
                     const std::string& relative_path);

}  // namespace jobc::azureml
