#include "backends/azureml/code_payload.h"

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

std::optional<CodeAsset> code_asset(const AzureMlContext& context, const std::string& pointer) {
  const SpecDocument& doc = context.spec.doc;
  nlohmann::json::json_pointer at(pointer);
  if (!doc.root.contains(at) || !doc.root.at(at).is_string()) return std::nullopt;
  std::string code = doc.root.at(at).get<std::string>();
  if (is_reference(code)) return CodeAsset{code_id(context.scope, code), nullptr};

  fs::path local = fs::path(code).is_absolute() ? fs::path(code) : doc.dir / code;
  auto upload = local_upload(context, local, code, doc, pointer);
  if (!upload) return std::nullopt;
  // The SDK names an anonymous code asset with a random uuid4; jobc uses the upload hash as a
  // uuid (the conformance oracle's normalisation), so the same code gets the same name.
  std::string name = uuid_from_md5_hex(upload->hash);
  std::string version = "1";
  // A folder's codeUri is the folder's blob prefix; a file's is the prefix it sits in.
  std::string uri_path = upload->is_file ? "LocalUpload/" + upload->hash : upload->relative_path;
  nlohmann::json body = {
      {"properties",
       {{"codeUri", blob_url(context, kDefaultDatastore, uri_path)},
        {"isAnonymous", true},
        {"isArchived", false},
        {"properties",
         {{"hash_sha256", code_content_hash(fs::canonical(local))}, {"hash_version", "202208"}}}}}};
  std::string id = versioned_resource_id(context.scope, kCodes, name, version);
  return CodeAsset{id, put_request(id, kAssetsApiVersion, std::move(body))};
}

}  // namespace jobc::azureml
