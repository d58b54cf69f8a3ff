#include "backends/azureml/local_uploads.h"

#include <fmt/format.h>

#include "backends/azureml/asset_hashes.h"
#include "codegen/digest_prefetch.h"
#include "support/folder_hashes.h"
#include "support/utf8.h"

namespace jobc::azureml {

namespace fs = std::filesystem;

namespace {

// Path.resolve(): the blob is named after the real folder ("." uploads as its own name).
Result<fs::path> resolve(const fs::path& path) {
  std::error_code error;
  fs::path resolved = fs::canonical(path, error);
  if (error) return fail("cannot resolve it: " + error.message());
  const std::string name = resolved.filename().string();
  if (!is_valid_utf8(name)) {  // the blob's name, written into JSON
    return fail(
        fmt::format("its real name '{}' is not valid UTF-8; rename it", printable_utf8(name)));
  }
  return resolved;
}

Result<LocalUpload> upload_of(const AzureMlContext& context, const fs::path& path,
                              const std::string& shown) {
  Result<fs::path> resolved = resolve(path);
  if (!resolved) return resolved.error();
  Result<std::string> hash =
      context.prefetch ? context.prefetch->upload_hash(*resolved) : upload_hash(*resolved);
  if (!hash) return hash.error();
  Result<std::vector<SnapshotFile>> files = snapshot_files(*resolved);
  if (!files) return files.error();
  std::error_code error;
  LocalUpload upload;
  upload.hash = *hash;
  upload.is_file = !fs::is_directory(*resolved, error);
  upload.relative_path = "LocalUpload/" + upload.hash + "/" + resolved->filename().string();
  for (const SnapshotFile& file : *files) {
    context.inputs.add(file.source, upload.is_file
                                        ? shown
                                        : (fs::path(shown) / file.relative_path).generic_string());
  }
  return upload;
}

const char* kind_name(UploadKind kind) {
  switch (kind) {
    case UploadKind::Code:
      return "code";
    case UploadKind::Input:
      return "input";
    case UploadKind::Build:
      return "build";
  }
  return "";
}

// The submitter's record of one upload: the local path relative to the spec's folder (so the
// artifact does not depend on where the spec sits), the blob prefix, and the asset name and
// version the indicator blob records (the code asset's; a uuid of the hash otherwise, as the
// SDK's uuid4 would be, but deterministic).
void record_upload(const AzureMlContext& context, const fs::path& path, UploadKind kind,
                   const std::string& datastore, const LocalUpload& upload) {
  if (!context.uploads) return;
  fs::path absolute = path.is_absolute() ? path : fs::absolute(path);
  fs::path spec_dir = context.spec.source().dir.is_absolute()
                          ? context.spec.source().dir
                          : fs::absolute(context.spec.source().dir);
  std::string relative =
      absolute.lexically_normal().lexically_relative(spec_dir.lexically_normal()).generic_string();
  nlohmann::json entry = {{"kind", kind_name(kind)},
                          {"path", relative.empty() ? absolute.generic_string() : relative},
                          {"is_file", upload.is_file},
                          {"datastore", datastore},
                          {"blob_prefix", upload.relative_path},
                          {"asset_name", uuid_from_md5_hex(upload.hash)},
                          {"asset_version", "1"}};
  for (const nlohmann::json& known : *context.uploads)
    if (known == entry) return;
  context.uploads->push_back(std::move(entry));
}

}  // namespace

std::optional<LocalUpload> local_upload(const AzureMlContext& context, const fs::path& path,
                                        const std::string& shown, const Location& at,
                                        UploadKind kind, const std::string& datastore) {
  Result<LocalUpload> upload = upload_of(context, path, shown);
  if (upload) {
    record_upload(context, path, kind, datastore, *upload);
    return *upload;
  }
  context.sink.report(DiagCode::FileUnreadable, at,
                      fmt::format("cannot upload '{}': {}", shown, upload.error().message));
  return std::nullopt;
}

std::string datastore_name(const std::string& name) {
  std::string out = name.rfind("azureml:", 0) == 0 ? name.substr(8) : name;
  if (size_t slash = out.rfind('/'); slash != std::string::npos && out.front() == '/') {
    out = out.substr(slash + 1);  // an ARM id: its last segment names the datastore
  }
  return out.empty() ? kDefaultDatastore : out;
}

std::string datastore_uri(const std::string& datastore, const std::string& relative_path) {
  return fmt::format("azureml://datastores/{}/paths/{}", datastore, relative_path);
}

std::string blob_url(const AzureMlContext& context, const std::string& datastore,
                     const std::string& relative_path) {
  bool is_default = datastore == kDefaultDatastore;
  std::string account = is_default ? context.storage_account : "{" + datastore + ".storageAccount}";
  std::string container = is_default ? context.blob_container : "{" + datastore + ".blobContainer}";
  return fmt::format("https://{}.blob.core.windows.net/{}/{}", account, container, relative_path);
}

}  // namespace jobc::azureml
