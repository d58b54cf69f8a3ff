#include "backends/azureml/sweep_payload.h"

#include "backends/azureml/job_settings.h"
#include "backends/azureml/rest_values.h"

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

nlohmann::json choice_values(const nlohmann::json& values) {
  nlohmann::json items = nlohmann::json::array();
  if (!values.is_array()) return items;
  for (const nlohmann::json& value : values) {
    if (!value.is_object()) {
      items.push_back(value);
      continue;
    }
    // A choice option maps names to values or to nested distributions.
    nlohmann::json option = nlohmann::json::object();
    for (const auto& [key, member] : value.items()) {
      option[key] =
          member.is_object() && member.contains("type") ? rest_search_parameter(member) : member;
    }
    items.push_back(option);
  }
  return items;
}

nlohmann::json sampling_algorithm(const nlohmann::json* algorithm) {
  if (!algorithm || algorithm->is_null()) return nullptr;
  // "random" -> "Random" (str.lower().capitalize()).
  auto capitalized = [](std::string text) {
    text = lower(text);
    if (!text.empty())
      text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
    return text;
  };
  if (algorithm->is_string()) {
    return {{"samplingAlgorithmType", capitalized(algorithm->get<std::string>())}};
  }
  if (!algorithm->is_object()) return nullptr;
  std::string type = lower(algorithm->value("type", "random"));
  nlohmann::json out = {{"samplingAlgorithmType", capitalized(type)}};
  if (type == "random") {
    if (auto rule = algorithm->find("rule"); rule != algorithm->end() && !rule->is_null()) {
      out["rule"] = lower(text_of(*rule));
    }
    if (auto seed = algorithm->find("seed"); seed != algorithm->end() && !seed->is_null()) {
      out["seed"] = *seed;
    }
    if (auto base = algorithm->find("logbase"); base != algorithm->end() && !base->is_null()) {
      out["logbase"] = text_of(*base);
    }
  }
  return out;
}

nlohmann::json objective(const nlohmann::json* given) {
  if (!given || !given->is_object()) return nullptr;
  nlohmann::json out = nlohmann::json::object();
  if (auto goal = given->find("goal"); goal != given->end()) out["goal"] = lower(text_of(*goal));
  if (auto metric = given->find("primary_metric"); metric != given->end()) {
    out["primaryMetric"] = text_of(*metric);
  }
  return out;
}

nlohmann::json sweep_limits(const nlohmann::json* limits) {
  if (!limits || !limits->is_object()) return nullptr;
  nlohmann::json out = {{"jobLimitsType", "Sweep"}};
  for (auto [key, rest_key] : {std::pair{"max_total_trials", "maxTotalTrials"},
                               std::pair{"max_concurrent_trials", "maxConcurrentTrials"}}) {
    if (auto value = limits->find(key); value != limits->end() && !value->is_null()) {
      out[rest_key] = *value;
    }
  }
  for (auto [key, rest_key] :
       {std::pair{"timeout", "timeout"}, std::pair{"trial_timeout", "trialTimeout"}}) {
    if (const nlohmann::json* seconds = truthy_member(*limits, key);
        seconds && seconds->is_number()) {
      out[rest_key] = iso_duration(seconds->get<long long>());
    }
  }
  return out;
}

// EarlyTerminationPolicy subclasses: every count defaults to 0, bandit slacks to 0.0.
nlohmann::json early_termination(const nlohmann::json* policy) {
  if (!policy || !policy->is_object()) return nullptr;
  std::string type = lower(policy->value("type", ""));
  auto integer = [&](const char* key) {
    auto it = policy->find(key);
    return it != policy->end() && it->is_number() ? *it : nlohmann::json(0);
  };
  auto real = [&](const char* key) {
    auto it = policy->find(key);
    return it != policy->end() && it->is_number() ? it->get<double>() : 0.0;
  };
  nlohmann::json out = {{"delayEvaluation", integer("delay_evaluation")},
                        {"evaluationInterval", integer("evaluation_interval")}};
  if (type == "bandit") {
    out["policyType"] = "Bandit";
    out["slackAmount"] = real("slack_amount");
    out["slackFactor"] = real("slack_factor");
  } else if (type == "median_stopping") {
    out["policyType"] = "MedianStopping";
  } else {
    out["policyType"] = "TruncationSelection";
    out["truncationPercentage"] = integer("truncation_percentage");
  }
  return out;
}

nlohmann::json trial(const AzureMlContext& context, const JobAssets& assets) {
  nlohmann::json out = nlohmann::json::object();
  const nlohmann::json* command = member_at(context, "/trial/command");
  out["command"] = map_single_brackets(command ? text_of(*command) : "");
  if (assets.code) out["codeId"] = assets.code->id;
  if (assets.environment) out["environmentId"] = assets.environment->id;
  out["environmentVariables"] = string_map(member_at(context, "/trial/environment_variables"));
  for (auto [key, rest] :
       {std::pair{"distribution", rest_distribution(member_at(context, "/trial/distribution"))},
        std::pair{"resources", rest_resources(member_at(context, "/trial/resources"))}}) {
    if (!rest.is_null()) out[key] = rest;
  }
  return out;
}

}  // namespace

nlohmann::json rest_search_parameter(const nlohmann::json& parameter) {
  std::string type = lower(parameter.value("type", ""));
  nlohmann::json arguments = nlohmann::json::array();
  if (type == "choice") {
    arguments.push_back(choice_values(parameter.value("values", nlohmann::json::array())));
  } else {
    for (const char* key : parameter_arguments(type)) {
      arguments.push_back(parameter.value(key, nlohmann::json()));
    }
  }
  return nlohmann::json::array({type, arguments});
}

nlohmann::json sweep_job_body(const AzureMlContext& context, const JobAssets& assets) {
  nlohmann::json properties = job_base_properties(context, "Sweep", assets);
  nlohmann::json search_space = nlohmann::json::object();
  if (const nlohmann::json* given = member_at(context, "/search_space");
      given && given->is_object()) {
    for (const auto& [name, parameter] : given->items()) {
      search_space[name] = rest_search_parameter(parameter);
    }
  }
  properties["searchSpace"] = search_space;
  properties["trial"] = trial(context, assets);
  for (auto [key, rest] : {
           std::pair{"samplingAlgorithm",
                     sampling_algorithm(member_at(context, "/sampling_algorithm"))},
           std::pair{"objective", objective(member_at(context, "/objective"))},
           std::pair{"limits", sweep_limits(member_at(context, "/limits"))},
           std::pair{"earlyTermination",
                     early_termination(member_at(context, "/early_termination"))},
           // Newer SDKs send job-level resources for a sweep; 1.4.0 had none to send.
           std::pair{"resources", rest_resources(member_at(context, "/resources"))},
       }) {
    if (!rest.is_null()) properties[key] = rest;
  }
  return {{"properties", properties}};
}

}  // namespace jobc::azureml
