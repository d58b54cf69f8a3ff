// Sweep jobs: the trial, its search space and how trials are sampled, stopped and bounded.
#include "spec/model_builder/builders.h"

namespace jobc::model_builder {

namespace {

model::SearchParameter parameter(const Reader& reader, const std::string& name,
                                 const std::string& pointer) {
  model::SearchParameter out;
  out.name = name;
  out.at = reader.at(pointer);
  out.type = reader.text(pointer + "/type");
  out.values = reader.value(pointer + "/values");
  out.upper = reader.integer(pointer + "/upper");
  out.min_value = reader.number(pointer + "/min_value");
  out.max_value = reader.number(pointer + "/max_value");
  out.q = reader.number(pointer + "/q");
  out.mu = reader.number(pointer + "/mu");
  out.sigma = reader.number(pointer + "/sigma");
  return out;
}

std::optional<model::SamplingAlgorithm> sampling(const Reader& reader, const std::string& pointer) {
  const nlohmann::json* node = reader.find(pointer);
  if (!node) return std::nullopt;
  model::SamplingAlgorithm out;
  out.at = reader.at(pointer);
  if (node->is_string()) {
    out.written_as_string = true;
    out.type = reader.text(pointer);
    return out;
  }
  out.type = reader.text(pointer + "/type");
  out.seed = reader.integer(pointer + "/seed");
  out.rule = reader.text(pointer + "/rule");
  out.logbase = reader.any(pointer + "/logbase");
  return out;
}

std::optional<model::EarlyTermination> early_termination(const Reader& reader,
                                                         const std::string& pointer) {
  if (!reader.has(pointer)) return std::nullopt;
  return model::EarlyTermination{reader.at(pointer),
                                 reader.text(pointer + "/type"),
                                 reader.integer(pointer + "/evaluation_interval"),
                                 reader.integer(pointer + "/delay_evaluation"),
                                 reader.number(pointer + "/slack_factor"),
                                 reader.number(pointer + "/slack_amount"),
                                 reader.integer(pointer + "/truncation_percentage")};
}

}  // namespace

model::SweepJob build_sweep_job(const Reader& reader) {
  model::SweepJob job;
  build_job_common(reader, job);
  job.trial = build_command_body(reader, "/trial");
  for (const std::string& name : reader.keys("/search_space")) {  // sorted by name
    job.search_space.push_back(parameter(reader, name, pointer_append("/search_space", name)));
  }
  job.sampling_algorithm = sampling(reader, "/sampling_algorithm");
  if (reader.has("/objective")) {
    job.objective = model::Objective{reader.at("/objective"), reader.text("/objective/goal"),
                                     reader.text("/objective/primary_metric")};
  }
  if (reader.has("/limits")) {
    job.limits = model::SweepLimits{
        reader.at("/limits"), reader.integer("/limits/max_total_trials"),
        reader.integer("/limits/max_concurrent_trials"), reader.integer("/limits/timeout"),
        reader.integer("/limits/trial_timeout")};
  }
  job.early_termination = early_termination(reader, "/early_termination");
  job.resources = build_resources(reader, "/resources");
  check_command(reader, "/trial/command", job.trial.command, job, &job.search_space);
  check_distribution_counts(reader, "/trial");
  check_distribution_counts(reader, "");
  check_docker_args(reader, "/trial/resources", job.compute);
  check_docker_args(reader, "/resources", job.compute);
  for (const char* limit : {"/limits/max_total_trials", "/limits/max_concurrent_trials",
                            "/limits/timeout", "/limits/trial_timeout"}) {
    check_at_least(reader, limit, 1);
  }
  check_at_least(reader, "/early_termination/evaluation_interval", 1);
  check_at_least(reader, "/early_termination/delay_evaluation", 0);
  return job;
}

}  // namespace jobc::model_builder
