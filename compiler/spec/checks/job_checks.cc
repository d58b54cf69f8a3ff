// Job rules a schema cannot express: referenced paths exist, environment variables are names,
// referenced specs are valid. (Command references, counts and docker_args are checked as the
// model is built: spec/model_builder/.)
#include <fmt/format.h>

#include <cctype>

#include "spec/checks/check_context.h"
#include "spec/secret_names.h"
#include "support/char_scan.h"

namespace jobc {
namespace {

bool is_path_input_type(const std::string& type) {
  return type == "uri_file" || type == "uri_folder" || type == "mltable" ||
         type == "mlflow_model" || type == "custom_model" || type == "triton_model";
}

void check_inputs(const CheckContext& context, const std::string& inputs) {
  const nlohmann::json* node = context.find(inputs);
  if (!node || !node->is_object()) return;
  for (const auto& [name, input] : node->items()) {
    if (!input.is_object() || !input.contains("path")) continue;
    // A type that is not text (`type:` left empty) is the schema's to report; value() would throw.
    auto given = input.find("type");
    if (given != input.end() && !given->is_string()) continue;
    std::string type = given == input.end() ? "uri_folder" : given->get<std::string>();
    if (!is_path_input_type(type)) continue;
    PathKind kind = type == "uri_file"     ? PathKind::File
                    : type == "uri_folder" ? PathKind::Folder
                                           : PathKind::Any;
    check_local_path(context, pointer_append(pointer_append(inputs, name), "path"), kind,
                     fmt::format("input '{}'", name));
  }
}

// azureml://registries/..., azureml:/subscriptions/..., azureml:NAME, NAME:VERSION, NAME@LABEL.
bool is_environment_reference(std::string_view value) {
  auto is_name_char = [](char c) { return is_word_char(c) || c == '.' || c == '-'; };
  auto rest_of_line = [](std::string_view rest) {  // regex ".+": no line breaks
    return !rest.empty() && rest.find_first_of("\r\n") == std::string_view::npos;
  };
  std::string_view rest = value.substr(std::string_view("azureml:").size());
  for (std::string_view prefix : {"//registries/", "/subscriptions/"}) {
    if (rest.starts_with(prefix)) return rest_of_line(rest.substr(prefix.size()));
  }
  size_t separator = rest.find_first_of(":@");
  if (!all_of_nonempty(rest.substr(0, separator), is_name_char)) return false;
  return separator == std::string_view::npos ||
         all_of_nonempty(rest.substr(separator + 1), is_name_char);
}

void check_environment_variables(const CheckContext& context, const std::string& pointer) {
  const nlohmann::json* node = context.find(pointer);
  if (!node || !node->is_object()) return;
  for (const auto& [name, value] : node->items()) {
    if (!is_identifier(name)) {
      context.sink.report(DiagCode::BadFormat, context.key_at(pointer_append(pointer, name)),
                          fmt::format("'{}' is not a valid environment variable name", name),
                          {"names are letters, digits and '_', not starting with a digit"});
      continue;
    }
    if (value.is_string() && !value.get<std::string>().empty() && names_a_secret(name)) {
      context.sink.report(DiagCode::SecretLikeValue, context.key_at(pointer_append(pointer, name)),
                          fmt::format("environment variable '{}' looks like a secret written "
                                      "inline",
                                      name),
                          {"specs are committed and logged; pass secrets at run time instead"});
    }
  }
}

bool is_path_like(const std::string& value) {
  return value.find('/') != std::string::npos || value.ends_with(".yml") ||
         value.ends_with(".yaml");
}

void check_job_environment(const CheckContext& context, const std::string& pointer) {
  const nlohmann::json* node = context.find(pointer);
  if (!node) return;
  if (node->is_object()) {
    check_environment(context, pointer);
    return;
  }
  if (!node->is_string()) return;
  std::string value = node->get<std::string>();
  if (looks_like_placeholder(value)) return;  // reported once, as E027
  if (value.rfind("azureml:", 0) == 0) {
    if (!is_environment_reference(value)) {
      context.sink.report(DiagCode::BadFormat, context.at(pointer),
                          fmt::format("'{}' is not an environment reference", value),
                          {"use azureml:NAME:VERSION, azureml:NAME@latest, "
                           "azureml://registries/..., or a path to an environment file"});
    }
    return;
  }
  load_reference(context, pointer, SpecKind::Environment);
}

void check_job_compute(const CheckContext& context, const std::string& pointer) {
  const nlohmann::json* node = context.find(pointer);
  if (!node || !node->is_string()) return;
  std::string value = node->get<std::string>();
  if (looks_like_placeholder(value)) return;                            // reported once, as E027
  if (value.rfind("azureml:", 0) == 0 || !is_path_like(value)) return;  // a name
  load_reference(context, pointer, SpecKind::Compute);
}

}  // namespace

void check_command_job(const CheckContext& context, const std::string& base) {
  check_local_path(context, base + "/code", PathKind::Any, "code");
  check_inputs(context, base + "/inputs");
  check_environment_variables(context, base + "/environment_variables");
  check_job_environment(context, base + "/environment");
  check_job_compute(context, base + "/compute");
}

void check_sweep_job(const CheckContext& context) {
  check_local_path(context, "/trial/code", PathKind::Any, "code");
  check_inputs(context, "/inputs");
  check_environment_variables(context, "/trial/environment_variables");
  check_job_environment(context, "/trial/environment");
  check_job_compute(context, "/compute");
}

}  // namespace jobc
