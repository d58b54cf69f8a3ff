#include "backends/azureml/job_common.h"

#include "backends/azureml/arm_paths.h"
#include "backends/azureml/backend_name.h"
#include "backends/azureml/job_inputs_outputs.h"
#include "backends/azureml/job_settings.h"
#include "backends/azureml/rest_values.h"
#include "jobc/backend_registry.h"
#include "support/text.h"

namespace jobc::azureml {

namespace fs = std::filesystem;

JobAssets job_assets(const AzureMlContext& context, const model::CommandBody& body) {
  JobAssets assets;
  assets.code = code_asset(context, body);
  assets.environment = job_environment(context, body);
  if (const model::JobCommon* job = context.spec.job()) {
    assets.compute = job_compute_target(context, job->compute);
  }
  return assets;
}

ComputeTarget job_compute_target(const AzureMlContext& context, const model::ComputeRef& compute) {
  using Form = model::ComputeRef::Form;
  if (compute.form == Form::Default || !compute.written) return {};
  if (compute.form == Form::File) {
    if (!compute.spec) return {};
    const BackendEntry* owner = backend_for_compute_type(compute.spec->type.value_or(""));
    if (owner && owner->capabilities.on_this_machine) return {ComputeTarget::Local, ""};
    if (!owner || owner->name != kBackendName) return {};
    return compute_target(context.scope, compute.spec->name.value_or(""));
  }
  const BackendEntry* builtin = backend_for_builtin_name(lower(*compute.written));
  if (builtin && builtin->capabilities.on_this_machine) return {ComputeTarget::Local, ""};
  return compute_target(context.scope, *compute.written);
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

nlohmann::json job_base_properties(const AzureMlContext& context, const model::JobCommon& job,
                                   const char* job_type, const JobAssets& assets) {
  nlohmann::json out = {
      {"jobType", job_type},
      {"isArchived", false},
      {"tags", string_map(job.tags)},
      {"properties", string_map(job.properties)},
      {"inputs", rest_inputs(context, job.inputs)},
      {"outputs", rest_outputs(job.outputs)},
  };
  // generate_defaults: the display name falls back to the job's name, the experiment to the
  // working folder's name.
  const std::string* display_name = truthy_text(job.display_name);
  out["displayName"] = display_name ? *display_name : context.job_name;
  const std::string* experiment = truthy_text(job.experiment_name);
  out["experimentName"] = experiment ? *experiment : default_experiment_name(job.source.dir);
  if (const std::string* description = truthy_text(job.description)) {
    out["description"] = *description;
  }
  if (assets.compute.kind == ComputeTarget::Workspace) out["computeId"] = assets.compute.id;
  for (auto [key, rest] : {std::pair{"identity", rest_identity(job.identity)},
                           std::pair{"services", rest_services(job)},
                           std::pair{"queueSettings", rest_queue_settings(job.queue_settings)}}) {
    if (!rest.is_null()) out[key] = rest;
  }
  return out;
}

}  // namespace jobc::azureml
