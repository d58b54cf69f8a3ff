// Command jobs and what sweeps share with them: inputs, outputs, the command and what runs it.
#include <algorithm>

#include "spec/checks/command_references.h"
#include "spec/checks/optional_arguments.h"
#include "spec/docker_args.h"
#include "spec/model_builder/builders.h"
#include "spec/remote_reference.h"

namespace jobc::model_builder {

namespace {

bool is_literal_type(const std::string& type) {
  return type == "string" || type == "integer" || type == "number" || type == "boolean";
}

model::Input input(const Reader& reader, const std::string& name, const std::string& pointer) {
  model::Input in;
  in.name = name;
  in.at = reader.at(pointer);
  in.key_at = reader.key_at(pointer);
  const nlohmann::json* node = reader.find(pointer);
  if (!node || !node->is_object()) {
    in.form = model::Input::Form::Literal;
    in.value = reader.value(pointer);
    return in;
  }
  in.type = reader.text(pointer + "/type");
  if (in.type && is_literal_type(*in.type)) {
    in.form = model::Input::Form::TypedLiteral;
    in.value = reader.value(pointer + "/default");
  } else {
    in.form = model::Input::Form::Data;
    in.value.at = in.at;
    in.value.key_at = in.key_at;
    in.path = reader.text(pointer + "/path");
    if (in.path && !in.path->empty() && !is_remote_reference(*in.path)) {
      in.local_path = reader.source().resolve(*in.path);
    }
  }
  in.mode = reader.text(pointer + "/mode");
  in.datastore = reader.text(pointer + "/datastore");
  in.description = reader.text(pointer + "/description");
  in.optional = reader.boolean(pointer + "/optional");
  in.min = reader.number(pointer + "/min");
  in.max = reader.number(pointer + "/max");
  in.enum_values = reader.value(pointer + "/enum");
  return in;
}

model::Output output(const Reader& reader, const std::string& name, const std::string& pointer) {
  model::Output out;
  out.name = name;
  out.at = reader.at(pointer);
  out.key_at = reader.key_at(pointer);
  const nlohmann::json* node = reader.find(pointer);
  out.empty = !node || node->is_null();
  out.type = reader.text(pointer + "/type");
  out.path = reader.text(pointer + "/path");
  out.mode = reader.text(pointer + "/mode");
  out.description = reader.text(pointer + "/description");
  out.asset_name = reader.text(pointer + "/name");
  out.version = reader.any(pointer + "/version");
  return out;
}

model::Service service(const Reader& reader, const std::string& name, const std::string& pointer) {
  model::Service out;
  out.name = name;
  out.at = reader.at(pointer);
  out.type = reader.text(pointer + "/type");
  out.port = reader.integer(pointer + "/port");
  out.nodes = reader.text(pointer + "/nodes");
  out.properties = reader.value(pointer + "/properties");
  out.job_service_type = reader.text(pointer + "/job_service_type");
  out.ssh_public_keys = reader.text(pointer + "/ssh_public_keys");
  out.log_dir = reader.text(pointer + "/log_dir");
  return out;
}

std::optional<model::Identity> identity(const Reader& reader, const std::string& pointer) {
  if (!reader.has(pointer)) return std::nullopt;
  return model::Identity{reader.at(pointer), reader.text(pointer + "/type"),
                         reader.text(pointer + "/client_id"), reader.text(pointer + "/object_id"),
                         reader.text(pointer + "/msi_resource_id")};
}

std::optional<model::Distribution> distribution(const Reader& reader, const std::string& pointer) {
  if (!reader.has(pointer)) return std::nullopt;
  return model::Distribution{reader.at(pointer), reader.text(pointer + "/type"),
                             reader.integer(pointer + "/process_count_per_instance"),
                             reader.integer(pointer + "/worker_count"),
                             reader.integer(pointer + "/parameter_server_count")};
}

model::Command command(const Reader& reader, const std::string& pointer) {
  model::Command out;
  out.text = reader.text(pointer);
  if (!out.text) return out;
  out.references = find_command_references(*out.text);
  out.optional_arguments = find_optional_arguments(*out.text).arguments;
  return out;
}

}  // namespace

std::optional<model::Resources> build_resources(const Reader& reader, const std::string& pointer) {
  if (!reader.has(pointer)) return std::nullopt;
  model::Resources resources;
  resources.at = reader.at(pointer);
  resources.instance_count = reader.integer(pointer + "/instance_count");
  resources.instance_type = reader.text(pointer + "/instance_type");
  resources.shm_size = reader.text(pointer + "/shm_size");
  resources.docker_args_text = reader.text(pointer + "/docker_args");
  if (resources.docker_args_text) {
    resources.docker_args = parse_docker_args(*resources.docker_args_text).args;
  }
  resources.properties = reader.value(pointer + "/properties");
  resources.locations = reader.value(pointer + "/locations");
  return resources;
}

model::CommandBody build_command_body(const Reader& reader, const std::string& base) {
  model::CommandBody body;
  body.at = reader.at(base);
  body.command = command(reader, base + "/command");
  body.code = reader.text(base + "/code");
  if (body.code && !is_remote_reference(*body.code)) {
    body.code_folder = reader.source().resolve(*body.code);
  }
  body.environment = build_environment_ref(reader, base + "/environment");
  body.environment_variables = reader.value(base + "/environment_variables");
  body.distribution = distribution(reader, base + "/distribution");
  body.resources = build_resources(reader, base + "/resources");
  return body;
}

void build_job_common(const Reader& reader, model::JobCommon& job) {
  job.source = reader.source();
  job.schema = reader.text("/$schema");
  job.name = reader.text("/name");
  job.display_name = reader.text("/display_name");
  job.experiment_name = reader.text("/experiment_name");
  job.description = reader.text("/description");
  job.status = reader.text("/status");
  job.tags = reader.value("/tags");
  job.properties = reader.value("/properties");
  job.compute = build_compute_ref(reader, "/compute");
  for (const std::string& name : reader.keys("/inputs")) {  // sorted by name
    job.inputs.push_back(input(reader, name, pointer_append("/inputs", name)));
  }
  for (const std::string& name : reader.keys("/outputs")) {
    job.outputs.push_back(output(reader, name, pointer_append("/outputs", name)));
  }
  job.services_written = reader.value("/services").is_map();
  for (const std::string& name : reader.keys("/services")) {
    job.services.push_back(service(reader, name, pointer_append("/services", name)));
  }
  job.identity = identity(reader, "/identity");
  if (reader.has("/queue_settings")) {
    job.queue_settings = model::QueueSettings{reader.text("/queue_settings/job_tier"),
                                              reader.text("/queue_settings/priority")};
  }
  job.creation_context = reader.value("/creation_context");
}

model::CommandJob build_command_job(const Reader& reader) {
  model::CommandJob job;
  build_job_common(reader, job);
  job.body = build_command_body(reader, "");
  job.timeout = reader.integer("/limits/timeout");
  job.limits_written = reader.value("/limits").is_map();
  check_command(reader, "/command", job.body.command, job, nullptr);
  check_distribution_counts(reader, "");
  check_docker_args(reader, "/resources", job.compute);
  check_at_least(reader, "/limits/timeout", 1);
  return job;
}

}  // namespace jobc::model_builder
