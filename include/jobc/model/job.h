// Command jobs, and what a sweep's trial shares with them: the command and its references,
// inputs, outputs, distribution, resources, services, identity.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "jobc/model/compute.h"
#include "jobc/model/docker_args.h"
#include "jobc/model/environment.h"
#include "jobc/model/source.h"
#include "jobc/model/value.h"

namespace jobc::model {

// `${{inputs.x}}`, `${{outputs.y}}`, `${{search_space.z}}` in a command.
struct CommandReference {
  std::string scope;  // "inputs", "outputs", "search_space"
  std::string name;
  std::string text;        // the whole "${{inputs.x}}"
  size_t offset = 0;       // byte offset in the command
  bool has_parts = false;  // "${{inputs.x.path}}": more after the name
};

// `$[[ ... ]]`: kept, without its brackets, when every input it uses has a value.
struct OptionalArgument {
  size_t offset = 0;  // of "$[["
  size_t end = 0;     // just past "]]"
};

struct Command {
  Field<std::string> text;
  std::vector<CommandReference> references;          // in order
  std::vector<OptionalArgument> optional_arguments;  // in order, well formed
};

struct Input {
  enum class Form { Literal, TypedLiteral, Data };
  std::string name;
  Location at;      // the input's value
  Location key_at;  // its name
  Form form = Form::Literal;
  // Literal: the value; TypedLiteral: its `default` (null when none). Data: null.
  Value value;
  Field<std::string> type;  // TypedLiteral and Data
  Field<std::string> path;  // Data: as written (a local path, a URL, azureml:...)
  // Data with a local path: resolved against the spec's folder. Empty for URLs and assets.
  std::filesystem::path local_path;
  Field<std::string> mode;
  Field<std::string> datastore;
  Field<std::string> description;
  Field<bool> optional;
  Field<double> min;
  Field<double> max;
  Value enum_values;  // `enum:`, a list, or null
  // A literal, a typed literal with a default, a data input with a path.
  bool has_value() const;
};

struct Output {
  std::string name;
  Location at;
  Location key_at;
  bool empty = false;  // written as `name:` with no value: a default uri_folder output
  Field<std::string> type;
  Field<std::string> path;
  Field<std::string> mode;
  Field<std::string> description;
  Field<std::string> asset_name;  // `name:` of the output
  Field<Value> version;
};

struct Distribution {
  Location at;
  Field<std::string> type;                      // mpi, pytorch, tensorflow
  Field<long long> process_count_per_instance;  // mpi, pytorch
  Field<long long> worker_count;                // tensorflow
  Field<long long> parameter_server_count;      // tensorflow
};

struct Resources {
  Location at;
  Field<long long> instance_count;
  Field<std::string> instance_type;
  Field<std::string> shm_size;
  Field<std::string> docker_args_text;
  DockerArgs docker_args;  // parsed; the front end reported any problem
  Value properties;        // a map, or null
  Value locations;         // a list, or null
};

struct Service {
  std::string name;
  Location at;
  Field<std::string> type;
  Field<long long> port;
  Field<std::string> nodes;
  Value properties;
  Field<std::string> job_service_type;
  Field<std::string> ssh_public_keys;
  Field<std::string> log_dir;
};

struct Identity {
  Location at;
  Field<std::string> type;  // user_identity, aml_token, managed (managed_identity)
  Field<std::string> client_id;
  Field<std::string> object_id;
  Field<std::string> msi_resource_id;
};

struct QueueSettings {
  Field<std::string> job_tier;
  Field<std::string> priority;
};

// What runs: a command job's body, or a sweep's `trial:`.
struct CommandBody {
  Location at;
  Command command;
  Field<std::string> code;            // as written
  std::filesystem::path code_folder;  // resolved, when local
  std::optional<EnvironmentRef> environment;
  Value environment_variables;  // a map, or null
  std::optional<Distribution> distribution;
  std::optional<Resources> resources;
};

// What every job has, command or sweep.
struct JobCommon {
  SpecSource source;
  Field<std::string> schema;  // `$schema`
  Field<std::string> name;
  Field<std::string> display_name;
  Field<std::string> experiment_name;
  Field<std::string> description;
  Field<std::string> status;
  Value tags;        // a map, or null
  Value properties;  // a map, or null
  ComputeRef compute;
  std::vector<Input> inputs;    // sorted by name
  std::vector<Output> outputs;  // sorted by name
  std::vector<Service> services;
  bool services_written = false;  // `services:` is a mapping, even `{}` (Azure ML sends `{}`)
  std::optional<Identity> identity;
  std::optional<QueueSettings> queue_settings;
  Value creation_context;  // a map, or null
  // A sweep's trial, made by jobc from the sweep (never written in a spec): its sampled
  // search_space values, a map; null for any other job.
  Value trial_parameters;

  const Input* input(std::string_view name) const;
  const Output* output(std::string_view name) const;
  // experiment_name, or Azure ML's default: the name of the spec's folder.
  std::string experiment() const;
};

struct CommandJob : JobCommon {
  CommandBody body;
  Field<long long> timeout;  // limits.timeout, seconds
  // `limits:` is a mapping, even `{}`: Azure ML then gets its type without a timeout.
  bool limits_written = false;
};

}  // namespace jobc::model
