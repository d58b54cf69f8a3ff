#include "backends/slurm/slurm_job.h"

#include <algorithm>
#include <cctype>

#include "codegen/comment_text.h"
#include "codegen/launch_script.h"
#include "codegen/template_renderer.h"
#include "jobc/model/spec.h"
#include "support/text.h"
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

Layout layout_of(const model::CommandBody& body) {
  Layout layout;
  if (body.resources) layout.nodes = std::max(1LL, body.resources->instance_count.value_or(1));
  std::string type;
  if (body.distribution) type = lower(body.distribution->type.value_or(""));
  if (type == "mpi" || type == "pytorch") {
    layout.tasks_per_node =
        std::max(1LL, body.distribution->process_count_per_instance.value_or(1));
  } else if (type == "tensorflow") {
    // worker_count is the total, as in Azure ML (default: one per node), shared out evenly.
    long long workers = std::max(1LL, body.distribution->worker_count.value_or(layout.nodes));
    layout.tasks_per_node = std::max(1LL, workers / layout.nodes);
  }
  layout.mpi = type == "mpi";
  layout.once = layout.nodes == 1 || layout.mpi;
  return layout;
}

std::string batch_script(const model::CommandJob& job, const Layout& layout) {
  TemplateData data;
  data.set("jobc_version", JOBC_VERSION);
  data.set("source", comment_text(fs::path(job.source.display_path).filename().string()));
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

const model::Compute* job_slurm_compute(const model::Spec& spec) {
  const model::JobCommon* job = spec.job();
  if (!job || job->compute.form != model::ComputeRef::Form::File || !job->compute.spec) {
    return nullptr;
  }
  const model::Compute& compute = *job->compute.spec;
  return compute.type.value_or("") == "slurm" ? &compute : nullptr;
}

fs::path slurm_stage_dir(const slurm::SlurmCompute& compute, std::string_view run_id) {
  return (fs::path(compute.staging_dir) / std::string(run_id)).lexically_normal();
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

json slurm_job_payload(const model::CommandJob& command_job, const slurm::SlurmCompute& compute,
                       const std::string& job_name) {
  Layout layout = layout_of(command_job.body);
  std::string stage = slurm_stage_dir(compute, kSlurmRunIdPlaceholder).string();

  json environment = {
      {"PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
      {"LANG", "C.UTF-8"},
      {"JOBC_RUN_ID", std::string(kSlurmRunIdPlaceholder)},
      {"JOBC_STAGE_DIR", stage},
      {"JOBC_CODE_DIR", stage + "/work"},
  };
  if (compute.user == "root") {  // Open MPI refuses root unless told it is meant
    environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
    environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
  }
  for (const model::Input& input : command_job.inputs) {
    if (input.form != model::Input::Form::Data || !input.path) continue;
    const std::string& path = *input.path;
    // Only local paths and https:// files (submit downloads them) reach a Slurm job.
    if (input.local_path.empty() && !parse_https_url(path)) continue;
    environment[input_variable(input.name)] = stage + "/" + slurm_staged_input(input.name, path);
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
  if (compute.partition) job["partition"] = *compute.partition;
  if (compute.account) job["account"] = *compute.account;
  if (long long minutes = slurm_time_limit_minutes(command_job.timeout.value_or(0))) {
    job["time_limit"] = minutes;
  }
  return {{"job", job}, {"script", batch_script(command_job, layout)}};
}

void SlurmJobGenerator::generate(GeneratorContext& context) const {
  const model::CommandJob* job = context.spec.command_job();
  const model::Compute* compute = job ? job_slurm_compute(context.spec) : nullptr;
  if (!compute) return;
  json payload = slurm_job_payload(*job, slurm::SlurmCompute::from(*compute), context.job_name);
  context.outputs.add("slurm/job.json", payload.dump(2) + "\n");
}

GeneratorList slurm_generators() {
  GeneratorList generators;
  generators.push_back(std::make_unique<SlurmJobGenerator>());
  return generators;
}

json slurm_payload_for_run(json payload, const std::string& run_id) {
  substitute(payload, run_id);
  return payload;
}

}  // namespace jobc
