#include "backends/azureml/compiled_calls.h"

#include <fmt/format.h>

namespace jobc::azureml {
namespace {

using json = nlohmann::json;

// "create code version NAME:V" for a version PUT; empty (METHOD path) for anything else.
std::string version_what(const json& request) {
  std::string path = request.value("path", "");
  size_t versions = path.rfind("/versions/");
  if (versions == std::string::npos || versions == 0) return "";
  size_t name = path.rfind('/', versions - 1);
  if (name == std::string::npos || name == 0) return "";
  size_t kind = path.rfind('/', name - 1);
  std::string type = path.substr(kind + 1, name - kind - 1);
  return fmt::format("create {} version {}:{}",
                     type == "codes"          ? "code"
                     : type == "environments" ? "environment"
                                              : type,
                     path.substr(name + 1, versions - name - 1), path.substr(versions + 10));
}

}  // namespace

Result<json> compiled_json(const CompileResult& compiled, const char* path, bool required) {
  const OutputSet::File* file = compiled.outputs.find(path);
  if (!file) {
    if (!required) return json();
    return fail(fmt::format("the compilation has no {}: it was not compiled for Azure ML", path));
  }
  json value = json::parse(file->content, nullptr, false);
  if (value.is_discarded()) return fail(fmt::format("the compiled {} is not JSON", path));
  return value;
}

ArmCall compiled_call(const json& request, std::string what) {
  ArmCall call;
  call.method = request.value("method", "PUT");
  call.path = request.value("path", "");
  call.api_version = request.value("api_version", "");
  if (request.contains("body")) call.body = request.at("body");
  call.what = what.empty() ? version_what(request) : std::move(what);
  return call;
}

}  // namespace jobc::azureml
