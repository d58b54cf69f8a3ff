#include "backends/azureml/sweep_payload.h"

#include <functional>

#include "backends/azureml/job_settings.h"
#include "backends/azureml/rest_values.h"
#include "support/text.h"

namespace jobc::azureml {
namespace {

// The arguments of each distribution, in the order the REST list holds them.
std::vector<const char*> parameter_arguments(const std::string& type) {
  if (type == "randint") return {"upper"};
  if (type == "uniform" || type == "loguniform") return {"min_value", "max_value"};
  if (type == "quniform" || type == "qloguniform") return {"min_value", "max_value", "q"};
  if (type == "normal" || type == "lognormal") return {"mu", "sigma"};
  if (type == "qnormal" || type == "qlognormal") return {"mu", "sigma", "q"};
  return {};
}

nlohmann::json nested_search_parameter(const model::Value& parameter);

nlohmann::json choice_values(const model::Value& values) {
  nlohmann::json items = nlohmann::json::array();
  if (!values.is_list()) return items;
  for (const model::Value& value : values.items) {
    if (!value.is_map()) {
      items.push_back(model::to_json(value));
      continue;
    }
    // A choice option maps names to values or to nested distributions.
    nlohmann::json option = nlohmann::json::object();
    for (const auto& [key, member] : value.members) {
      option[key] = member.is_map() && member.find("type") ? nested_search_parameter(member)
                                                           : model::to_json(member);
    }
    items.push_back(option);
  }
  return items;
}

// [type, [arguments]] from the parameter's arguments, each as written (the SDK keeps 1 and 1.0
// apart) or null when missing.
nlohmann::json search_parameter(const std::string& type, const model::Value& values,
                                const std::function<nlohmann::json(const char*)>& argument) {
  nlohmann::json arguments = nlohmann::json::array();
  if (type == "choice") {
    arguments.push_back(choice_values(values));
  } else {
    for (const char* key : parameter_arguments(type)) arguments.push_back(argument(key));
  }
  return nlohmann::json::array({type, arguments});
}

// A parameter inside a choice option: a free-form mapping of the model.
nlohmann::json nested_search_parameter(const model::Value& parameter) {
  const model::Value* type = parameter.find("type");
  const model::Value* values = parameter.find("values");
  static const model::Value kNone;
  return search_parameter(lower(type ? text_of(*type) : ""), values ? *values : kNone,
                          [&parameter](const char* key) {
                            const model::Value* value = parameter.find(key);
                            return value ? model::to_json(*value) : nlohmann::json();
                          });
}

nlohmann::json sampling_algorithm(const std::optional<model::SamplingAlgorithm>& algorithm) {
  if (!algorithm) return nullptr;
  // "random" -> "Random" (str.lower().capitalize()).
  auto capitalized = [](std::string text) {
    text = lower(text);
    if (!text.empty())
      text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
    return text;
  };
  if (algorithm->written_as_string) {
    return {{"samplingAlgorithmType", capitalized(algorithm->type.value_or(""))}};
  }
  std::string type = lower(algorithm->type.value_or("random"));
  nlohmann::json out = {{"samplingAlgorithmType", capitalized(type)}};
  if (type == "random") {
    if (algorithm->rule) out["rule"] = lower(*algorithm->rule);
    if (algorithm->seed) out["seed"] = *algorithm->seed;
    if (algorithm->logbase && !algorithm->logbase->is_null()) {
      out["logbase"] = text_of(*algorithm->logbase);
    }
  }
  return out;
}

nlohmann::json objective(const std::optional<model::Objective>& given) {
  if (!given) return nullptr;
  nlohmann::json out = nlohmann::json::object();
  if (given->goal) out["goal"] = lower(*given->goal);
  if (given->primary_metric) out["primaryMetric"] = *given->primary_metric;
  return out;
}

nlohmann::json sweep_limits(const std::optional<model::SweepLimits>& limits) {
  if (!limits) return nullptr;
  nlohmann::json out = {{"jobLimitsType", "Sweep"}};
  if (limits->max_total_trials) out["maxTotalTrials"] = *limits->max_total_trials;
  if (limits->max_concurrent_trials) out["maxConcurrentTrials"] = *limits->max_concurrent_trials;
  // Durations only when truthy, as the SDK sends them.
  if (limits->timeout && *limits->timeout != 0) out["timeout"] = iso_duration(*limits->timeout);
  if (limits->trial_timeout && *limits->trial_timeout != 0) {
    out["trialTimeout"] = iso_duration(*limits->trial_timeout);
  }
  return out;
}

// EarlyTerminationPolicy subclasses: every count defaults to 0, bandit slacks to 0.0.
nlohmann::json early_termination(const std::optional<model::EarlyTermination>& policy) {
  if (!policy) return nullptr;
  std::string type = lower(policy->type.value_or(""));
  nlohmann::json out = {{"delayEvaluation", policy->delay_evaluation.value_or(0)},
                        {"evaluationInterval", policy->evaluation_interval.value_or(0)}};
  if (type == "bandit") {
    out["policyType"] = "Bandit";
    out["slackAmount"] = policy->slack_amount.value_or(0.0);
    out["slackFactor"] = policy->slack_factor.value_or(0.0);
  } else if (type == "median_stopping") {
    out["policyType"] = "MedianStopping";
  } else {
    out["policyType"] = "TruncationSelection";
    out["truncationPercentage"] = policy->truncation_percentage.value_or(0);
  }
  return out;
}

nlohmann::json trial(const model::CommandBody& body, const JobAssets& assets) {
  nlohmann::json out = nlohmann::json::object();
  out["command"] = map_single_brackets(body.command.text.value_or(""));
  if (assets.code) out["codeId"] = assets.code->id;
  if (assets.environment) out["environmentId"] = assets.environment->id;
  out["environmentVariables"] = string_map(body.environment_variables);
  for (auto [key, rest] : {std::pair{"distribution", rest_distribution(body.distribution)},
                           std::pair{"resources", rest_resources(body.resources)}}) {
    if (!rest.is_null()) out[key] = rest;
  }
  return out;
}

}  // namespace

nlohmann::json rest_search_parameter(const model::SearchParameter& parameter) {
  // Written numbers keep their type (the SDK sends 1 for 1 and 1.0 for 1.0); a parameter's
  // typed fields give them when the model has no written form.
  auto argument = [&parameter](const char* key) -> nlohmann::json {
    if (const model::Value* written = parameter.written.find(key)) return model::to_json(*written);
    std::string_view name = key;
    if (name == "upper") return parameter.upper ? nlohmann::json(*parameter.upper) : nullptr;
    const model::Field<double>* field = name == "min_value"   ? &parameter.min_value
                                        : name == "max_value" ? &parameter.max_value
                                        : name == "q"         ? &parameter.q
                                        : name == "mu"        ? &parameter.mu
                                                              : &parameter.sigma;
    return *field ? nlohmann::json(**field) : nullptr;
  };
  return search_parameter(lower(parameter.type.value_or("")), parameter.values, argument);
}

nlohmann::json sweep_job_body(const AzureMlContext& context, const model::SweepJob& sweep,
                              const JobAssets& assets) {
  nlohmann::json properties = job_base_properties(context, sweep, "Sweep", assets);
  nlohmann::json search_space = nlohmann::json::object();
  for (const model::SearchParameter& parameter : sweep.search_space) {
    search_space[parameter.name] = rest_search_parameter(parameter);
  }
  properties["searchSpace"] = search_space;
  properties["trial"] = trial(sweep.trial, assets);
  for (auto [key, rest] : {
           std::pair{"samplingAlgorithm", sampling_algorithm(sweep.sampling_algorithm)},
           std::pair{"objective", objective(sweep.objective)},
           std::pair{"limits", sweep_limits(sweep.limits)},
           std::pair{"earlyTermination", early_termination(sweep.early_termination)},
           // Newer SDKs send job-level resources for a sweep; 1.4.0 had none to send.
           std::pair{"resources", rest_resources(sweep.resources)},
       }) {
    if (!rest.is_null()) properties[key] = rest;
  }
  return {{"properties", properties}};
}

}  // namespace jobc::azureml
