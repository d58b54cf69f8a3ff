// Uploads local files to a datastore with the official SDK's protocol, so jobc and the SDK
// reuse each other's uploads: HEAD the indicator blob (the first file by local path); when it
// (or the legacy az-ml-artifacts/ copy) has upload_status=completed, send nothing and reuse
// its asset name and version; else Put Blob every file (If-None-Match: * when the indicator
// did not exist), several at once, then set the indicator's metadata last
// (upload_status=completed, name, version).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "backends/azureml/storage/blob_client.h"
#include "jobc/result.h"

namespace jobc::azureml {

struct UploadFile {
  std::filesystem::path local;  // absolute
  std::string blob;             // full blob name: "LocalUpload/<hash>/src/train.py"
};

struct UploadRequest {
  std::string container;
  // The files, any order (the uploader sorts by local path to find the indicator).
  std::vector<UploadFile> files;
  // Recorded in the indicator's metadata when uploaded; replaced by what an earlier
  // confirmed upload recorded when reused.
  std::string asset_name;
  std::string asset_version;
  // The legacy location the SDK also checks: "az-ml-artifacts/<hash>/<basename>" (its
  // indicator is the same relative file under it); empty: none.
  std::string legacy_prefix;
  std::string upload_prefix;  // "LocalUpload/<hash>/<basename>": blobs start with it
};

struct UploadOutcome {
  bool reused = false;         // an earlier confirmed upload was found: nothing sent
  bool reused_legacy = false;  // ... and it was the legacy copy
  std::string asset_name;      // as recorded by whoever uploaded
  std::string asset_version;
  size_t blobs_sent = 0;
  uint64_t bytes_sent = 0;
};

struct UploadProgress {
  size_t files_done = 0, files_total = 0;
  uint64_t bytes_done = 0, bytes_total = 0;
};

// `threads` parallel connections (0: 2 × the CPUs, as the SDK); `on_progress` is called now
// and then from any thread (serialised).
Result<UploadOutcome> upload(BlobClient& client, const UploadRequest& request, unsigned threads = 0,
                             const std::function<void(const UploadProgress&)>& on_progress = {});

// A progress line for a terminal: "uploading src: 120/400 files, 3.1/9.8 MiB, 12.0 MiB/s".
std::string progress_line(std::string_view what, const UploadProgress& progress, double seconds);

}  // namespace jobc::azureml
