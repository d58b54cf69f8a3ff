#include "backends/azureml/code_payload.h"

#include <fmt/format.h>

#include "backends/azureml/arm_paths.h"
#include "backends/azureml/asset_hashes.h"
#include "backends/azureml/asset_references.h"
#include "backends/azureml/local_uploads.h"

namespace jobc::azureml {
namespace {

namespace fs = std::filesystem;

bool is_reference(const std::string& code) {
  return code.rfind("azureml:", 0) == 0 || code.rfind("git+", 0) == 0 ||
         code.find("://") != std::string::npos;
}

}  // namespace

std::optional<CodeAsset> code_asset(const AzureMlContext& context, const model::CommandBody& body) {
  if (!body.code) return std::nullopt;
  const std::string& code = *body.code;
  if (is_reference(code)) return CodeAsset{code_id(context.scope, code), nullptr};

  fs::path local = context.spec.source().resolve(code);
  auto upload = local_upload(context, local, code, body.code.at, UploadKind::Code);
  if (!upload) return std::nullopt;
  // The SDK names an anonymous code asset with a random uuid4; jobc uses the upload hash as a
  // uuid (the conformance oracle's normalisation), so the same code gets the same name.
  std::string name = uuid_from_md5_hex(upload->hash);
  std::string version = "1";
  // A folder's codeUri is the folder's blob prefix; a file's is the prefix it sits in.
  std::string uri_path = upload->is_file ? "LocalUpload/" + upload->hash : upload->relative_path;
  Result<std::string> content_hash = code_content_hash(local);
  if (!content_hash) {  // a file that went away or cannot be read since it was uploaded
    context.sink.report(DiagCode::FileUnreadable, body.code.at,
                        fmt::format("cannot upload '{}': {}", code, content_hash.error().message));
    return std::nullopt;
  }
  nlohmann::json request_body = {
      {"properties",
       {{"codeUri", blob_url(context, kDefaultDatastore, uri_path)},
        {"isAnonymous", true},
        {"isArchived", false},
        {"properties", {{"hash_sha256", *content_hash}, {"hash_version", "202208"}}}}}};
  std::string id = versioned_resource_id(context.scope, kCodes, name, version);
  return CodeAsset{id, put_request(id, kAssetsApiVersion, std::move(request_body))};
}

}  // namespace jobc::azureml
