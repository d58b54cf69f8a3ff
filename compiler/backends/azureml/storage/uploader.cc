// The SDK's upload protocol (azure-ai-ml's _blob_storage_helper.py), with the files sent by a
// bounded pool of threads: each thread's requests reuse its connection when the client's
// transport keeps them (KeepAliveCurlTransport).
#include "backends/azureml/storage/uploader.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

namespace jobc::azureml {
namespace {

const std::string kUploadStatus = "upload_status";
const std::string kCompleted = "completed";

bool confirmed(const std::optional<BlobProperties>& properties) {
  if (!properties) return false;
  auto status = properties->metadata.find(kUploadStatus);
  return status != properties->metadata.end() && status->second == kCompleted;
}

UploadOutcome reuse(const BlobProperties& properties, bool legacy) {
  UploadOutcome outcome;
  outcome.reused = true;
  outcome.reused_legacy = legacy;
  auto value = [&](const char* key) {
    auto found = properties.metadata.find(key);
    return found == properties.metadata.end() ? std::string() : found->second;
  };
  outcome.asset_name = value("name");
  outcome.asset_version = value("version");
  return outcome;
}

}  // namespace

Result<UploadOutcome> upload(BlobClient& client, const UploadRequest& request, unsigned threads,
                             const std::function<void(const UploadProgress&)>& on_progress) {
  if (request.files.empty()) return fail("nothing to upload to " + request.upload_prefix);
  std::vector<UploadFile> files = request.files;
  // As the SDK's sorted() of path strings: by bytes, not by path components ("a-b/x" comes
  // before "a/x"), or the two would pick different indicators.
  std::sort(files.begin(), files.end(), [](const UploadFile& a, const UploadFile& b) {
    return a.local.native() < b.local.native();
  });
  const std::string& indicator = files.front().blob;

  // The skip check, in the SDK's order: the legacy copy only when the indicator exists, and
  // it wins over the indicator.
  auto head = client.head(request.container, indicator);
  if (!head) return head.error();
  bool indicator_exists = head->has_value();
  if (indicator_exists) {
    if (!request.legacy_prefix.empty() && indicator.starts_with(request.upload_prefix)) {
      std::string legacy = request.legacy_prefix + indicator.substr(request.upload_prefix.size());
      auto legacy_head = client.head(request.container, legacy);
      if (!legacy_head) return legacy_head.error();
      if (confirmed(*legacy_head)) return reuse(**legacy_head, true);
    }
    if (confirmed(*head)) return reuse(**head, false);
  }

  UploadProgress progress;
  progress.files_total = files.size();
  std::error_code size_error;
  for (const auto& file : files) {
    uint64_t size = std::filesystem::file_size(file.local, size_error);
    if (!size_error) progress.bytes_total += size;
  }
  std::mutex progress_mutex;
  auto report = [&](uint64_t bytes, size_t done_files) {
    std::lock_guard lock(progress_mutex);
    progress.bytes_done += bytes;
    progress.files_done += done_files;
    if (on_progress) on_progress(progress);
  };
  if (on_progress) on_progress(progress);

  // An unconfirmed upload (an interrupted one) is overwritten; else nothing may be.
  bool if_none_match = !indicator_exists;
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::optional<Error> first_error;
  auto work = [&] {
    for (size_t index = next++; index < files.size() && !failed; index = next++) {
      Status sent = client.put_file(request.container, files[index].blob, files[index].local,
                                    if_none_match, [&](uint64_t bytes) { report(bytes, 0); });
      if (!sent) {
        std::lock_guard lock(progress_mutex);
        if (!first_error) first_error = sent.error();
        failed = true;
        return;
      }
      report(0, 1);
    }
  };
  unsigned wanted = threads ? threads : 2 * std::max(1u, std::thread::hardware_concurrency());
  unsigned workers = static_cast<unsigned>(std::min<size_t>(wanted, files.size()));
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < workers; ++i) pool.emplace_back(work);
  work();
  for (auto& thread : pool) thread.join();
  if (first_error) return *first_error;

  // Confirmation last: only a complete upload is ever marked completed.
  Status confirmed_now = client.set_metadata(request.container, indicator,
                                             {{kUploadStatus, kCompleted},
                                              {"name", request.asset_name},
                                              {"version", request.asset_version}});
  if (!confirmed_now) return confirmed_now.error();

  UploadOutcome outcome;
  outcome.asset_name = request.asset_name;
  outcome.asset_version = request.asset_version;
  outcome.blobs_sent = files.size();
  outcome.bytes_sent = progress.bytes_done;
  return outcome;
}

}  // namespace jobc::azureml
