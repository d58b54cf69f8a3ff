#include "codegen/slurm/slurm_job.h"

#include <cctype>

#include "codegen/comment_text.h"
#include "codegen/launch_script.h"
#include "codegen/template_renderer.h"
#include "codegen/tensorflow_workers.h"
#include "spec/checks/check_context.h"
#include "support/url_download.h"

namespace jobc {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// The distribution's shape on Slurm: how many tasks each node gets, and whether launch.sh
// runs once (on the first node) or once per node.
struct Layout {
  long long nodes = 1;
  long long tasks_per_node = 1;
  bool once = true;
  bool mpi = false;
};

Layout layout_of(const json& job) {
  Layout layout;
  json resources = job.value("resources", json::object());
  if (resources.is_object()) layout.nodes = std::max(1LL, resources.value("instance_count", 1LL));
  json distribution = job.value("distribution", json::object());
  std::string type = distribution.is_object() ? distribution.value("type", "") : "";
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (type == "mpi" || type == "pytorch") {
    layout.tasks_per_node = std::max(1LL, distribution.value("process_count_per_instance", 1LL));
  } else if (type == "tensorflow") {
    layout.tasks_per_node = tensorflow_workers_per_node(job);
  }
  layout.mpi = type == "mpi";
  layout.once = layout.nodes == 1 || layout.mpi;
  return layout;
}

std::string batch_script(const LoadedSpec& spec, const Layout& layout) {
  TemplateData data;
  data.set("jobc_version", JOBC_VERSION);
  data.set("source", comment_text(fs::path(spec.doc.display_path).filename().string()));
  data.set("once", layout.once);
  data.set("mpi", layout.mpi);
  data.set("per_node", !layout.once);
  data.set("tasks_per_node", std::to_string(layout.tasks_per_node));
  return render_template("slurm_batch.sh.mustache", data);
}

void replace_all(std::string& text, std::string_view from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

void substitute(json& value, const std::string& run_id) {
  if (value.is_string()) {
    replace_all(value.get_ref<std::string&>(), kSlurmRunIdPlaceholder, run_id);
  } else if (value.is_structured()) {
    for (auto& item : value) substitute(item, run_id);
  }
}

}  // namespace

const json* job_slurm_compute(const LoadedSpec& spec) {
  auto reference = spec.references.find("/compute");
  if (reference == spec.references.end() || !reference->second) return nullptr;
  const json& compute = reference->second->doc.root;
  std::string type = compute.is_object() ? compute.value("type", "") : "";
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type == "slurm" ? &compute : nullptr;
}

fs::path slurm_stage_dir(const json& compute, std::string_view run_id) {
  return (fs::path(compute.value("staging_dir", "")) / std::string(run_id)).lexically_normal();
}

std::string slurm_staged_input(const std::string& name, const std::string& path) {
  fs::path normal = fs::path(path).lexically_normal();
  std::string last = normal.filename().string();
  if (auto url = parse_https_url(path)) last = url->file_name;        // a downloaded file
  if (last.empty()) last = normal.parent_path().filename().string();  // "data/"
  if (last.empty() || last == "." || last == "..") last = "data";
  std::string folder;
  for (char c : name) folder += std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
  return "inputs/" + folder + "/" + last;
}

long long slurm_time_limit_minutes(long long timeout_seconds) {
  return timeout_seconds > 0 ? (timeout_seconds + 59) / 60 : 0;
}

json slurm_job_payload(const LoadedSpec& spec, const json& compute, const std::string& job_name) {
  const json& root = spec.doc.root;
  Layout layout = layout_of(root);
  std::string stage = slurm_stage_dir(compute, kSlurmRunIdPlaceholder).string();

  json environment = {
      {"PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
      {"LANG", "C.UTF-8"},
      {"JOBC_RUN_ID", std::string(kSlurmRunIdPlaceholder)},
      {"JOBC_STAGE_DIR", stage},
      {"JOBC_CODE_DIR", stage + "/work"},
  };
  if (compute.value("user", "") == "root") {  // Open MPI refuses root unless told it is meant
    environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
    environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
  }
  json inputs = root.value("inputs", json::object());
  if (inputs.is_object()) {
    for (const auto& [name, input] : inputs.items()) {
      if (!input.is_object() || !input.contains("path") || !input["path"].is_string()) continue;
      std::string path = input["path"].get<std::string>();
      if (is_remote_reference(path) && !parse_https_url(path)) continue;  // refused
      environment[input_variable(name)] = stage + "/" + slurm_staged_input(name, path);
    }
  }

  json job = {
      {"name", job_name},
      {"comment", "jobc run " + std::string(kSlurmRunIdPlaceholder)},
      {"nodes", layout.nodes},
      {"tasks_per_node", layout.tasks_per_node},
      {"tasks", layout.nodes * layout.tasks_per_node},
      {"current_working_directory", stage + "/work"},
      {"standard_output", stage + "/std_log.txt"},
      {"standard_error", stage + "/std_log.txt"},
      {"environment", environment},
      {"requeue", false},  // a rerun would mix its output and outputs/ with the first one's
  };
  for (const char* field : {"partition", "account"}) {
    if (compute.contains(field) && compute[field].is_string()) job[field] = compute[field];
  }
  long long timeout = root.value("limits", json::object()).value("timeout", 0LL);
  if (long long minutes = slurm_time_limit_minutes(timeout)) job["time_limit"] = minutes;
  return {{"job", job}, {"script", batch_script(spec, layout)}};
}

void emit_slurm_job(const LoadedSpec& spec, const std::string& job_name, OutputSet& outputs) {
  const json* compute = job_slurm_compute(spec);
  if (!compute) return;
  outputs.add("slurm/job.json", slurm_job_payload(spec, *compute, job_name).dump(2) + "\n");
}

json slurm_payload_for_run(json payload, const std::string& run_id) {
  substitute(payload, run_id);
  return payload;
}

}  // namespace jobc
