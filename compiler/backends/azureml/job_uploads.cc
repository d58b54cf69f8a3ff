#include "backends/azureml/job_uploads.h"

#include <fmt/format.h>

#include <chrono>
#include <mutex>

#include "backends/azureml/request_linking.h"
#include "support/folder_hashes.h"

namespace jobc::azureml {
namespace {

// A code version another client uploaded first is named as it recorded it.
nlohmann::json rename_reused_code(nlohmann::json requests, const std::string& workspace_path,
                                  const PlannedUpload& planned, const UploadOutcome& outcome) {
  if (planned.kind != "code" || !outcome.reused || outcome.asset_name.empty()) return requests;
  if (outcome.asset_name == planned.asset_name && outcome.asset_version == planned.asset_version)
    return requests;
  auto id = [&](const std::string& name, const std::string& version) {
    return fmt::format("{}/codes/{}/versions/{}", workspace_path, name, version);
  };
  return replace_in_strings(std::move(requests), id(planned.asset_name, planned.asset_version),
                            id(outcome.asset_name, outcome.asset_version));
}

}  // namespace

namespace fs = std::filesystem;

Result<std::vector<PlannedUpload>> planned_uploads(const nlohmann::json& uploads,
                                                   const fs::path& spec_dir) {
  std::vector<PlannedUpload> out;
  if (uploads.is_null()) return out;
  if (!uploads.is_array()) return fail("the compiled azureml/uploads.json is not a list");
  for (const nlohmann::json& entry : uploads) {
    if (!entry.is_object() || !entry.contains("path") || !entry.contains("blob_prefix")) {
      return fail("the compiled azureml/uploads.json has an entry without path or blob_prefix");
    }
    PlannedUpload planned;
    planned.kind = entry.value("kind", "");
    fs::path path = entry.value("path", "");
    planned.local = path.is_absolute() ? path : (spec_dir / path).lexically_normal();
    planned.is_file = entry.value("is_file", false);
    planned.datastore = entry.value("datastore", "workspaceblobstore");
    planned.blob_prefix = entry.value("blob_prefix", "");
    planned.asset_name = entry.value("asset_name", "");
    planned.asset_version = entry.value("asset_version", "1");
    out.push_back(std::move(planned));
  }
  return out;
}

Result<UploadRequest> upload_request(const PlannedUpload& planned, const std::string& container) {
  Result<std::vector<SnapshotFile>> files = snapshot_files(planned.local);
  if (!files)
    return fail(fmt::format("cannot upload {}: {}", planned.local.string(), files.error().message));
  UploadRequest request;
  request.container = container;
  request.asset_name = planned.asset_name;
  request.asset_version = planned.asset_version;
  request.upload_prefix = planned.blob_prefix;
  // "LocalUpload/<hash>/<basename>" -> "az-ml-artifacts/<hash>/<basename>"
  std::string rest = planned.blob_prefix.substr(planned.blob_prefix.find('/') + 1);
  request.legacy_prefix = "az-ml-artifacts/" + rest;
  for (const SnapshotFile& file : *files) {
    std::string blob =
        planned.is_file ? planned.blob_prefix : planned.blob_prefix + "/" + file.relative_path;
    std::error_code ec;
    request.files.push_back({fs::absolute(file.source, ec), std::move(blob)});
  }
  return request;
}

Result<UploadOutcome> upload_planned(const PlannedUpload& planned, const Datastore& datastore,
                                     std::shared_ptr<HttpTransport> transport,
                                     std::ostream& progress, bool terminal) {
  Result<UploadRequest> request = upload_request(planned, datastore.container);
  if (!request) return request.error();
  std::string what = planned.local.filename().string();
  BlobClient client(std::move(transport), datastore.account);
  auto started = std::chrono::steady_clock::now();
  auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  std::mutex lock;
  UploadProgress last;
  Result<UploadOutcome> outcome = upload(client, *request, 0, [&](const UploadProgress& now) {
    std::lock_guard<std::mutex> guard(lock);
    last = now;
    if (terminal) progress << "\r" << progress_line(what, now, seconds()) << std::flush;
  });
  if (terminal && last.files_total > 0) progress << "\n";
  if (!outcome)
    return fail(fmt::format("cannot upload {} ({}): {}", planned.local.string(), planned.kind,
                            outcome.error().message));
  if (outcome->reused) {
    progress << fmt::format("jobc: {} {} is already uploaded ({}{})\n", planned.kind, what,
                            planned.blob_prefix, outcome->reused_legacy ? ", legacy copy" : "");
  } else {
    progress << fmt::format("jobc: uploaded {} {}: {} files, {} bytes in {:.1f} s\n", planned.kind,
                            what, outcome->blobs_sent, outcome->bytes_sent, seconds());
  }
  return outcome;
}

Result<nlohmann::json> upload_and_link(ArmClient& arm, std::shared_ptr<HttpTransport> transport,
                                       const std::string& workspace_path,
                                       const nlohmann::json& uploads, const fs::path& spec_dir,
                                       nlohmann::json requests, std::ostream& progress,
                                       bool terminal) {
  Result<std::vector<PlannedUpload>> planned = planned_uploads(uploads, spec_dir);
  if (!planned) return planned.error();
  std::map<std::string, Datastore> stores;
  std::map<std::string, LinkedDatastore> linked;
  for (const PlannedUpload& upload : *planned) {
    if (!stores.count(upload.datastore)) {
      Result<Datastore> store = open_datastore(arm, workspace_path, upload.datastore);
      if (!store) return store.error();
      linked[upload.datastore] = {store->account.service_url, store->container};
      stores.emplace(upload.datastore, std::move(*store));
    }
    Result<UploadOutcome> outcome =
        upload_planned(upload, stores.at(upload.datastore), transport, progress, terminal);
    if (!outcome) return outcome.error();
    requests = rename_reused_code(std::move(requests), workspace_path, upload, *outcome);
  }
  return link_blob_urls(std::move(requests), linked);
}

}  // namespace jobc::azureml
