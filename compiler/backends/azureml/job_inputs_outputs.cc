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

bool is_literal_type(const std::string& type) {
  return type == "string" || type == "integer" || type == "number" || type == "boolean";
}

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

std::string mode_of(const nlohmann::json& node, const std::map<std::string, std::string>& modes) {
  auto it = node.find("mode");
  if (it == node.end() || !it->is_string()) return "";
  auto mapped = modes.find(lower(it->get<std::string>()));
  return mapped == modes.end() ? it->get<std::string>() : mapped->second;
}

nlohmann::json literal(const nlohmann::json& value) {
  return {{"jobInputType", "literal"}, {"value", text_of(value)}};
}

// Where a path input's data is: sent as is, an asset id, or the URI of its upload.
std::string input_uri(const AzureMlContext& context, const nlohmann::json& input,
                      const std::string& pointer, const std::string& type) {
  std::string path = input.at("path").get<std::string>();
  if (is_url(path) || is_arm_id(path)) return path;
  if (path.rfind("azureml:", 0) == 0) return input_asset_id(context.scope, path, type);
  const SpecDocument& doc = context.spec.doc;
  fs::path local = fs::path(path).is_absolute() ? fs::path(path) : doc.dir / path;
  auto upload = local_upload(context, local, path, doc, pointer_append(pointer, "path"));
  if (!upload) return path;
  std::string datastore = datastore_name(input.value("datastore", ""));
  std::string uri = datastore_uri(datastore, upload->relative_path);
  // A folder's URI ends in '/' (the SDK adds it for uri_folder only).
  return type == "uri_folder" ? uri + "/" : uri;
}

nlohmann::json path_input(const AzureMlContext& context, const nlohmann::json& input,
                          const std::string& pointer) {
  std::string type = input.value("type", "uri_folder");
  std::string path = input.at("path").get<std::string>();
  std::string mode = mode_of(input, kInputModes);
  if (is_binding(path)) {
    nlohmann::json out = {{"jobInputType", "literal"}, {"value", path}};
    if (!mode.empty()) out["mode"] = mode;
    return out;
  }
  nlohmann::json out = {{"jobInputType", type}, {"uri", input_uri(context, input, pointer, type)}};
  if (!mode.empty()) out["mode"] = mode;
  return out;
}

}  // namespace

nlohmann::json rest_inputs(const AzureMlContext& context, const std::string& pointer) {
  nlohmann::json out = nlohmann::json::object();
  nlohmann::json::json_pointer at(pointer);
  const nlohmann::json& root = context.spec.doc.root;
  if (!root.contains(at) || !root.at(at).is_object()) return out;
  for (const auto& [name, input] : root.at(at).items()) {
    if (!input.is_object()) {
      out[name] = literal(input);
    } else if (is_literal_type(input.value("type", ""))) {
      // A typed literal (newer CLI syntax) sends its default; without one there is no value.
      if (input.contains("default")) out[name] = literal(input["default"]);
    } else if (input.contains("path") && input["path"].is_string()) {
      out[name] = path_input(context, input, pointer_append(pointer, name));
    }
  }
  return out;
}

nlohmann::json rest_outputs(const nlohmann::json* outputs) {
  nlohmann::json out = nlohmann::json::object();
  if (!outputs || !outputs->is_object()) return out;
  for (const auto& [name, output] : outputs->items()) {
    if (!output.is_object()) {  // `name:` alone: a uri_folder the service places
      out[name] = {{"jobOutputType", "uri_folder"}};
      continue;
    }
    nlohmann::json rest = {{"jobOutputType", output.value("type", "uri_folder")}};
    if (auto path = output.find("path"); path != output.end() && path->is_string()) {
      rest["uri"] = *path;
    }
    if (std::string mode = mode_of(output, kOutputModes); !mode.empty()) rest["mode"] = mode;
    // Registering the output as an asset (newer CLI syntax).
    if (const nlohmann::json* asset = truthy_member(output, "name"))
      rest["assetName"] = text_of(*asset);
    if (const nlohmann::json* version = truthy_member(output, "version")) {
      rest["assetVersion"] = text_of(*version);
    }
    out[name] = rest;
  }
  return out;
}

}  // namespace jobc::azureml
