#include "runs/compute_target.h"

#include <fmt/format.h>

#include "jobc/validate.h"
#include "model/value_json.h"
#include "support/did_you_mean.h"

namespace jobc {
namespace {

using json = nlohmann::json;

// "a, b or c".
std::string either(const std::vector<std::string>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " or " : ", ";
    out += words[i];
  }
  return out;
}

std::string with_article(const std::string& word) {
  bool vowel = !word.empty() && std::string_view("AEIOUaeiou").find(word[0]) != std::string::npos;
  return (vowel ? "an " : "a ") + word;
}

// The compute `compute: NAME` means when no built-in has that name: a cluster of the backend
// that takes references (Azure ML's `azureml:NAME`, or NAME alone).
const BackendEntry* backend_for_cluster_name(const std::string& name) {
  if (const BackendEntry* entry = backend_for_reference(name)) return entry;
  for (const BackendEntry& entry : backend_registry())
    if (!entry.reference_prefix.empty()) return &entry;
  return nullptr;
}

// The backends jobc submits to that run on a compute spec of their own (a cluster).
std::vector<const BackendEntry*> cluster_backends() {
  std::vector<const BackendEntry*> found;
  for (const BackendEntry& entry : backend_registry())
    if (entry.capabilities.can_submit && entry.builtin_names.empty() && entry.make)
      found.push_back(&entry);
  return found;
}

// Where a job runs when it names no compute: the registry lists the default first.
const std::string& default_compute() {
  return backend_registry().front().builtin_names.front();
}

std::string cluster_title(const BackendEntry* entry) {
  return entry ? entry->title : "unknown";
}

void report_cannot_submit(const BackendEntry* entry, const std::string& message_name,
                          Location where, std::vector<std::string> notes, DiagnosticSink& sink) {
  std::string title = cluster_title(entry);
  sink.report(DiagCode::UnresolvedCompute, std::move(where),
              fmt::format("{} is {} cluster; jobc cannot submit to {} yet", message_name,
                          with_article(title), title),
              std::move(notes));
}

// A compute spec's backend, when jobc can submit to it.
std::optional<ComputeTarget> target_from_spec(std::shared_ptr<const model::Compute> compute,
                                              const std::string& shown) {
  const BackendEntry* entry = backend_for_compute_type(compute->type.value_or(""));
  if (!entry || !entry->capabilities.can_submit) return std::nullopt;
  return ComputeTarget{entry, std::move(compute), shown};
}

bool names_a_file(const std::string& name) {
  return (name.ends_with(".yml") || name.ends_with(".yaml") ||
          name.find('/') != std::string::npos) &&
         !backend_for_reference(name);
}

}  // namespace

std::optional<ComputeTarget> resolve_compute(const model::JobCommon& job,
                                             const std::string& override_, SourceManager& sources,
                                             DiagnosticSink& sink) {
  std::string name = override_;
  Location where{"--compute", 0, 0};
  if (name.empty()) {
    const model::ComputeRef& named = job.compute;
    std::string shown = named.written.value_or("");
    if (named.form == model::ComputeRef::Form::File && named.spec) {
      if (auto target = target_from_spec(named.spec, shown)) return target;
      std::vector<std::string> clusters;
      for (const BackendEntry* entry : cluster_backends()) clusters.push_back(entry->title);
      report_cannot_submit(backend_for_compute_type(named.spec->type.value_or("")),
                           "'" + shown + "'", named.written.at,
                           {fmt::format("run it here with --compute {}, or on {} compute spec",
                                        default_compute(), with_article(either(clusters)))},
                           sink);
      return std::nullopt;
    }
    name = named.form == model::ComputeRef::Form::Default ? default_compute() : shown;
    where = named.written.at;
  }
  if (const BackendEntry* entry = backend_for_builtin_name(name);
      entry && entry->capabilities.can_submit) {
    return ComputeTarget{entry, nullptr, name};
  }
  bool is_file = names_a_file(name);
  if (is_file) {
    ValidateOptions options;
    options.forced_kind = "compute";
    auto loaded = load_and_validate(name, options, sources, sink);
    if (!loaded || sink.has_errors() || !loaded->model || !loaded->model->compute_spec())
      return std::nullopt;
    std::shared_ptr<const model::Compute> compute(loaded->model, loaded->model->compute_spec());
    if (auto target = target_from_spec(compute, name)) return target;
    name = compute->name.value_or(name);
  }
  const BackendEntry* cluster = backend_for_cluster_name(name);
  // A bare name one letter off a built-in one ("locl") is a typo, not a cluster.
  bool typo_of_builtin = false;
  if (!backend_for_reference(name) && !is_file) {
    std::vector<std::string> builtins;
    for (const BackendEntry& entry : backend_registry())
      builtins.insert(builtins.end(), entry.builtin_names.begin(), entry.builtin_names.end());
    typo_of_builtin = closest_match(name, builtins).has_value();
  }
  if (cluster && cluster->capabilities.can_submit && cluster->make && !typo_of_builtin) {
    return ComputeTarget{cluster, nullptr, name};
  }
  std::vector<std::string> notes;
  std::vector<std::string> builtins;
  std::vector<std::string> types;
  for (const BackendEntry& entry : backend_registry()) {
    if (!entry.capabilities.can_submit) continue;
    builtins.insert(builtins.end(), entry.builtin_names.begin(), entry.builtin_names.end());
    types.insert(types.end(), entry.compute_types.begin(), entry.compute_types.end());
  }
  if (auto match = closest_match(name, builtins); match && !is_file) {
    notes.push_back(fmt::format("did you mean '{}'?", *match));
  }
  notes.push_back(fmt::format("run it here with --compute {}, or name a compute spec of type {}",
                              default_compute(), either(types)));
  if (typo_of_builtin) {
    sink.report(DiagCode::UnresolvedCompute, std::move(where),
                fmt::format("no compute is named '{}'", name), std::move(notes));
    return std::nullopt;
  }
  report_cannot_submit(cluster, "compute '" + name + "'", where, std::move(notes), sink);
  return std::nullopt;
}

bool check_job_for_backend(const ComputeTarget& target, const model::CommandBody& body,
                           DiagnosticSink& sink) {
  const BackendEntry& backend = *target.backend;
  size_t errors = sink.error_count();
  long long most = backend.capabilities.max_instances;
  if (body.resources && body.resources->instance_count && most > 0 &&
      *body.resources->instance_count > most) {
    std::vector<std::string> clusters;
    for (const BackendEntry* entry : cluster_backends()) {
      if (entry->capabilities.max_instances == 0 && !entry->compute_types.empty()) {
        clusters.push_back(fmt::format("{} compute spec (type: {})", with_article(entry->title),
                                       entry->compute_types.front()));
      }
    }
    std::vector<std::string> notes;
    if (!clusters.empty()) {
      notes.push_back("multi-node jobs need a cluster: " + either(clusters));
    }
    sink.report(
        DiagCode::SchemaViolation, body.resources->instance_count.at,
        fmt::format("the {} backend runs {}; instance_count is {}", backend.name,
                    most == 1 ? std::string("one instance") : fmt::format("{} instances", most),
                    *body.resources->instance_count),
        std::move(notes));
  }
  if (body.distribution && body.distribution->type) {
    const std::string& type = *body.distribution->type;
    const auto& runs = backend.capabilities.distributions;
    if (std::find(runs.begin(), runs.end(), type) == runs.end()) {
      sink.report(DiagCode::SchemaViolation, body.distribution->type.at,
                  fmt::format("the {} backend does not run {} distributions", backend.name, type),
                  {fmt::format("it runs: {}", runs.empty() ? "none" : either(runs))});
    }
  }
  if (backend.check_job) backend.check_job(body, target.compute.get(), sink);
  return sink.error_count() == errors;
}

json compute_json(const model::Compute* compute) {
  if (!compute) return json::object();
  json out = model::to_json(compute->settings);
  if (!out.is_object()) out = json::object();
  auto put = [&out](const char* key, const model::Field<std::string>& field) {
    if (field) out[key] = *field;
  };
  put("type", compute->type);
  put("name", compute->name);
  put("description", compute->description);
  put("location", compute->location);
  if (!compute->tags.is_null()) out["tags"] = model::to_json(compute->tags);
  return out;
}

std::shared_ptr<const model::Spec> spec_on_compute(const model::Spec& spec,
                                                   const ComputeTarget& target) {
  if (!target.compute) return nullptr;
  auto retargeted = std::make_shared<model::Spec>(spec);
  model::JobCommon* job = nullptr;
  if (auto* command = std::get_if<model::CommandJob>(&retargeted->body)) job = command;
  if (auto* sweep = std::get_if<model::SweepJob>(&retargeted->body)) job = sweep;
  if (!job) return nullptr;
  model::ComputeRef compute;
  compute.form = model::ComputeRef::Form::File;
  compute.written = job->compute.written;
  compute.written.value = target.shown;
  compute.name = target.compute->name.value_or(target.shown);
  compute.spec = target.compute;
  job->compute = std::move(compute);
  return retargeted;
}

}  // namespace jobc
