#include "backends/azureml/job_inputs_outputs.h"

#include <map>

#include "backends/azureml/arm_paths.h"
#include "backends/azureml/asset_references.h"
#include "backends/azureml/local_uploads.h"
#include "backends/azureml/rest_values.h"
#include "support/char_scan.h"

namespace jobc::azureml {
namespace {

namespace fs = std::filesystem;

const std::map<std::string, std::string> kInputModes = {
    {"ro_mount", "ReadOnlyMount"},     {"mount", "ReadOnlyMount"}, {"rw_mount", "ReadWriteMount"},
    {"download", "Download"},          {"direct", "Direct"},       {"eval_mount", "EvalMount"},
    {"eval_download", "EvalDownload"},
};

const std::map<std::string, std::string> kOutputModes = {
    {"rw_mount", "ReadWriteMount"},
    {"mount", "ReadWriteMount"},
    {"upload", "Upload"},
    {"direct", "Direct"},
};

// urlparse(path) has both a scheme and a host: https://, wasbs://, azureml://...
bool is_url(const std::string& path) {
  size_t scheme = url_scheme_length(path);
  return scheme > 0 && scheme < path.size() &&
         std::string_view("/?#").find(path[scheme]) == std::string_view::npos;
}

// "${{parent.inputs.x}}": a binding the service fills in, sent as a literal.
bool is_binding(const std::string& path) {
  if (path.size() < 5 || !path.starts_with("${{") || !path.ends_with("}}")) return false;
  std::string_view inside = std::string_view(path).substr(3, path.size() - 5);
  size_t first = skip_while(inside, 0, is_regex_space);
  size_t last = skip_while(inside, first, [](char c) { return !is_regex_space(c); });
  return skip_while(inside, last, is_regex_space) == inside.size();
}

std::string mode_of(const model::Field<std::string>& mode,
                    const std::map<std::string, std::string>& modes) {
  if (!mode) return "";
  auto mapped = modes.find(lower(*mode));
  return mapped == modes.end() ? *mode : mapped->second;
}

nlohmann::json literal(const model::Value& value) {
  return {{"jobInputType", "literal"}, {"value", text_of(value)}};
}

// Where a path input's data is: sent as is, an asset id, or the URI of its upload.
std::string input_uri(const AzureMlContext& context, const model::Input& input,
                      const std::string& type) {
  const std::string& path = *input.path;
  if (is_url(path) || is_arm_id(path)) return path;
  if (path.rfind("azureml:", 0) == 0) return input_asset_id(context.scope, path, type);
  std::string datastore = datastore_name(input.datastore.value_or(""));
  auto upload = local_upload(context, context.spec.source().resolve(path), path, input.path.at,
                             UploadKind::Input, datastore);
  if (!upload) return path;
  std::string uri = datastore_uri(datastore, upload->relative_path);
  // A folder's URI ends in '/' (the SDK adds it for uri_folder only).
  return type == "uri_folder" ? uri + "/" : uri;
}

nlohmann::json path_input(const AzureMlContext& context, const model::Input& input) {
  std::string type = input.type.value_or("uri_folder");
  const std::string& path = *input.path;
  std::string mode = mode_of(input.mode, kInputModes);
  if (is_binding(path)) {
    nlohmann::json out = {{"jobInputType", "literal"}, {"value", path}};
    if (!mode.empty()) out["mode"] = mode;
    return out;
  }
  nlohmann::json out = {{"jobInputType", type}, {"uri", input_uri(context, input, type)}};
  if (!mode.empty()) out["mode"] = mode;
  return out;
}

}  // namespace

nlohmann::json rest_inputs(const AzureMlContext& context, const std::vector<model::Input>& inputs) {
  nlohmann::json out = nlohmann::json::object();
  for (const model::Input& input : inputs) {
    switch (input.form) {
      case model::Input::Form::Literal:
        out[input.name] = literal(input.value);
        break;
      case model::Input::Form::TypedLiteral:
        // A typed literal (newer CLI syntax) sends its default; without one there is no value.
        if (!input.value.is_null()) out[input.name] = literal(input.value);
        break;
      case model::Input::Form::Data:
        if (input.path) out[input.name] = path_input(context, input);
        break;
    }
  }
  return out;
}

nlohmann::json rest_outputs(const std::vector<model::Output>& outputs) {
  nlohmann::json out = nlohmann::json::object();
  for (const model::Output& output : outputs) {
    if (output.empty) {  // `name:` alone: a uri_folder the service places
      out[output.name] = {{"jobOutputType", "uri_folder"}};
      continue;
    }
    nlohmann::json rest = {{"jobOutputType", output.type.value_or("uri_folder")}};
    if (output.path) rest["uri"] = *output.path;
    if (std::string mode = mode_of(output.mode, kOutputModes); !mode.empty()) rest["mode"] = mode;
    // Registering the output as an asset (newer CLI syntax).
    if (const std::string* asset = truthy_text(output.asset_name)) rest["assetName"] = *asset;
    if (output.version && output.version->truthy()) {
      rest["assetVersion"] = text_of(*output.version);
    }
    out[output.name] = rest;
  }
  return out;
}

}  // namespace jobc::azureml
