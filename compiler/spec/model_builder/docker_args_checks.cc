// resources.docker_args, checked with the rules the Docker backend applies when it creates the
// container (spec/docker_args.h), each problem at its place in the string.
#include "jobc/compute_rules.h"
#include "spec/docker_args.h"
#include "spec/model_builder/builders.h"

namespace jobc::model_builder {

namespace {

// Where the job runs, when the spec says: a built-in name, or a compute spec's type. A bare
// cluster name, an azureml: reference or none: not known before submit.
const ComputeKind* named_kind(const model::ComputeRef& compute) {
  switch (compute.form) {
    case model::ComputeRef::Form::Default:
      return nullptr;
    case model::ComputeRef::Form::Named:
      return compute_kind_of_builtin(compute.written.value_or(""));
    case model::ComputeRef::Form::File:
      return compute.spec && compute.spec->type ? compute_kind_of_type(*compute.spec->type)
                                                : nullptr;
  }
  return nullptr;
}

}  // namespace

void check_docker_args(const Reader& reader, const std::string& resources,
                       const model::ComputeRef& compute) {
  std::string pointer = pointer_append(resources, "docker_args");
  model::Field<std::string> text = reader.text(pointer);
  if (!text) return;  // the schema reports wrong types
  // An option a backend refuses is an error when the job runs there; Azure ML passes it on to
  // `docker run`, so elsewhere it is a warning.
  const ComputeKind* kind = named_kind(compute);
  bool refused = kind && kind->refuses_unsupported_docker_args;
  ParsedDockerArgs parsed = parse_docker_args(*text);
  for (DockerArgsProblem& problem : parsed.problems) {
    DiagCode code = problem.kind == DockerArgsProblem::Kind::Malformed ? DiagCode::BadFormat
                    : refused                                          ? DiagCode::NotAllowedValue
                                                                       : DiagCode::DockerOnlyOption;
    if (code == DiagCode::DockerOnlyOption) {
      problem.notes.push_back("`jobc submit --compute docker` refuses it; Azure ML passes it on");
    }
    reader.sink().report(code, reader.within(pointer, problem.offset, problem.length),
                         "docker_args: " + problem.message, std::move(problem.notes));
  }
}

}  // namespace jobc::model_builder
