// resources.docker_args, checked with the rules the Docker backend applies when it creates the
// container (spec/docker_args.h), each problem at its place in the string.
#include <fmt/format.h>

#include "spec/checks/check_context.h"
#include "spec/docker_args.h"

namespace jobc {
namespace {

bool runs_on_docker(const CheckContext& context, const std::string& compute) {
  const nlohmann::json* name = context.find(compute);
  if (name && name->is_string() && name->get<std::string>() == "docker") return true;
  auto reference = context.spec.references.find(compute);
  if (reference == context.spec.references.end()) return false;
  const nlohmann::json& root = reference->second->doc.root;
  auto type = root.find("type");
  return type != root.end() && type->is_string() && type->get<std::string>() == "docker";
}

}  // namespace

void check_docker_args(const CheckContext& context, const std::string& resources,
                       const std::string& compute) {
  std::string pointer = pointer_append(resources, "docker_args");
  const nlohmann::json* value = context.find(pointer);
  if (!value || !value->is_string()) return;  // the schema reports wrong types
  // An option only jobc's Docker backend refuses is an error when the job runs there; Azure ML
  // passes it on to `docker run`, so elsewhere it is a warning.
  bool on_docker = runs_on_docker(context, compute);
  ParsedDockerArgs parsed = parse_docker_args(value->get<std::string>());
  for (DockerArgsProblem& problem : parsed.problems) {
    DiagCode code = problem.kind == DockerArgsProblem::Kind::Malformed ? DiagCode::BadFormat
                    : on_docker                                        ? DiagCode::NotAllowedValue
                                                                       : DiagCode::DockerOnlyOption;
    if (code == DiagCode::DockerOnlyOption) {
      problem.notes.push_back("`jobc submit --compute docker` refuses it; Azure ML passes it on");
    }
    context.sink.report(code, context.within(pointer, problem.offset, problem.length),
                        "docker_args: " + problem.message, std::move(problem.notes));
  }
}

}  // namespace jobc
