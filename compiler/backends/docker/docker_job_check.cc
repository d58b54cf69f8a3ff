#include "backends/docker/docker_job_check.h"

#include "spec/docker_args.h"

namespace jobc::docker {

void check_job(const model::CommandBody& body, const model::Compute* /*compute*/,
               DiagnosticSink& sink) {
  if (!body.resources || !body.resources->docker_args_text) return;
  const model::Field<std::string>& text = body.resources->docker_args_text;
  ParsedDockerArgs parsed = parse_docker_args(*text);
  for (DockerArgsProblem& problem : parsed.problems) {
    // A malformed one is an error of the spec already, reported by the front end.
    if (problem.kind != DockerArgsProblem::Kind::Unsupported) continue;
    sink.report(DiagCode::NotAllowedValue, text.at, "docker_args: " + problem.message,
                std::move(problem.notes));
  }
}

}  // namespace jobc::docker
