#include "backends/azureml/job_common.h"

#include "backends/azureml/arm_paths.h"
#include "backends/azureml/job_inputs_outputs.h"
#include "backends/azureml/job_settings.h"
#include "backends/azureml/rest_values.h"

namespace jobc::azureml {

namespace fs = std::filesystem;

const nlohmann::json* member_at(const AzureMlContext& context, const std::string& pointer) {
  nlohmann::json::json_pointer at(pointer);
  const nlohmann::json& root = context.spec.doc.root;
  return root.contains(at) ? &root.at(at) : nullptr;
}

JobAssets job_assets(const AzureMlContext& context, const std::string& base) {
  JobAssets assets;
  assets.code = code_asset(context, base + "/code");
  assets.environment = job_environment(context);
  assets.compute = job_compute_target(context);
  return assets;
}

ComputeTarget job_compute_target(const AzureMlContext& context) {
  const nlohmann::json* compute = member_at(context, "/compute");
  if (!compute || !compute->is_string()) return {};
  auto reference = context.spec.references.find("/compute");
  if (reference != context.spec.references.end() && reference->second) {
    const nlohmann::json& spec = reference->second->doc.root;
    std::string type = lower(spec.value("type", ""));
    if (type == "local" || type == "docker") return {ComputeTarget::Local, ""};
    if (type != "amlcompute") return {};
    return compute_target(context.scope, text_of(spec.value("name", nlohmann::json(""))));
  }
  if (lower(compute->get<std::string>()) == "docker") return {ComputeTarget::Local, ""};
  return compute_target(context.scope, compute->get<std::string>());
}

std::string default_experiment_name(const fs::path& spec_dir) {
  std::error_code error;
  fs::path dir = fs::weakly_canonical(fs::absolute(spec_dir), error);
  std::string name = (error ? fs::absolute(spec_dir).lexically_normal() : dir).filename().string();
  if (name.empty()) name = dir.parent_path().filename().string();  // a trailing separator
  // PurePath.stem: without the last suffix, unless the only dot leads or ends the name.
  if (size_t dot = name.rfind('.'); dot != std::string::npos && dot > 0 && dot + 1 < name.size()) {
    name.erase(dot);
  }
  std::string out;
  for (char c : name) {
    if (c != ' ') out.push_back(c);
  }
  return out.empty() ? "Default" : out;
}

std::string map_single_brackets(std::string command) {
  // (?<!\{)\{PREFIX\.([^}]*)\}(?!\}) without look-around: a single '{', the prefix, then
  // everything up to the first '}', which must not be doubled.
  for (std::string prefix : {"inputs", "outputs", "search_space"}) {
    std::string open = "{" + prefix + ".";
    std::string out;
    size_t from = 0;
    while (true) {
      size_t at = command.find(open, from);
      if (at == std::string::npos) break;
      size_t close = command.find('}', at + open.size());
      bool single_open = at == 0 || command[at - 1] != '{';
      bool single_close =
          close != std::string::npos && (close + 1 == command.size() || command[close + 1] != '}');
      if (!single_open || !single_close) {
        out += command.substr(from, at + 1 - from);
        from = at + 1;
        continue;
      }
      out +=
          command.substr(from, at - from) + "${{" + command.substr(at + 1, close - at - 1) + "}}";
      from = close + 1;
    }
    out += command.substr(from);
    command = out;
  }
  return command;
}

nlohmann::json job_base_properties(const AzureMlContext& context, const char* job_type,
                                   const JobAssets& assets) {
  const nlohmann::json& root = context.spec.doc.root;
  nlohmann::json out = {
      {"jobType", job_type},
      {"isArchived", false},
      {"tags", string_map(member_at(context, "/tags"))},
      {"properties", string_map(member_at(context, "/properties"))},
      {"inputs", rest_inputs(context, "/inputs")},
      {"outputs", rest_outputs(member_at(context, "/outputs"))},
  };
  // generate_defaults: the display name falls back to the job's name, the experiment to the
  // working folder's name.
  const nlohmann::json* display_name = truthy_member(root, "display_name");
  out["displayName"] = display_name ? text_of(*display_name) : context.job_name;
  const nlohmann::json* experiment = truthy_member(root, "experiment_name");
  out["experimentName"] =
      experiment ? text_of(*experiment) : default_experiment_name(context.spec.doc.dir);
  if (const nlohmann::json* description = truthy_member(root, "description")) {
    out["description"] = text_of(*description);
  }
  if (assets.compute.kind == ComputeTarget::Workspace) out["computeId"] = assets.compute.id;
  for (auto [key, rest] :
       {std::pair{"identity", rest_identity(member_at(context, "/identity"))},
        std::pair{"services", rest_services(member_at(context, "/services"))},
        std::pair{"queueSettings", rest_queue_settings(member_at(context, "/queue_settings"))}}) {
    if (!rest.is_null()) out[key] = rest;
  }
  return out;
}

}  // namespace jobc::azureml
