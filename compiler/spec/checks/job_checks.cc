// Job rules a schema cannot express: referenced paths exist, command references match
// declared inputs and outputs, counts are positive, referenced specs are valid.
#include <fmt/format.h>

#include <cctype>
#include <set>

#include "spec/checks/check_context.h"
#include "spec/checks/command_references.h"
#include "spec/checks/optional_arguments.h"
#include "spec/did_you_mean.h"
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

// How many times `needle` occurs in `text` before `offset`.
size_t occurrences_before(std::string_view text, std::string_view needle, size_t offset) {
  size_t count = 0;
  for (size_t at = text.find(needle); at < offset; at = text.find(needle, at + needle.size())) {
    ++count;
  }
  return count;
}

// The location of the `skip`+1-th `needle` inside the command's source text, when it can be
// found there.
Location reference_location(const CheckContext& context, const std::string& command,
                            const std::string& needle, size_t skip = 0) {
  Location start = context.at(command);
  for (int line = start.line; line > 0 && line < start.line + 200; ++line) {
    auto text = context.sources.line(start.file, line);
    if (!text) break;
    size_t from = line == start.line ? static_cast<size_t>(std::max(0, start.column - 1)) : 0;
    for (size_t found = text->find(needle, std::min(from, text->size()));
         found != std::string_view::npos; found = text->find(needle, found + needle.size())) {
      if (skip-- == 0) {
        return {start.file, line, static_cast<int>(found) + 1, static_cast<int>(needle.size())};
      }
    }
  }
  return start;
}

std::vector<std::string> keys_of(const nlohmann::json* node) {
  std::vector<std::string> keys;
  if (node && node->is_object()) {
    for (const auto& [key, value] : node->items()) keys.push_back(key);
  }
  return keys;
}

// Where reference `ref` of `text` (the command at pointer `command`) is in the source.
Location located(const CheckContext& context, const std::string& command, const std::string& text,
                 const CommandReference& ref) {
  return reference_location(context, command, ref.text,
                            occurrences_before(text, ref.text, ref.offset));
}

void report_undeclared(const CheckContext& context, const std::string& command,
                       const std::string& text, const CommandReference& ref,
                       const std::string& declarations, bool optional) {
  std::vector<std::string> declared = keys_of(context.find(declarations));
  std::vector<std::string> notes;
  if (auto suggestion = closest_match(ref.name, declared)) {
    notes.push_back(fmt::format("did you mean '{}'?", *suggestion));
  }
  if (optional) {
    // Azure ML accepts it (the argument is always left out); a misspelt name would be silent.
    notes.push_back(
        fmt::format("declare it under '{}:' with 'optional: true' to give it a value "
                    "with --set",
                    pointer_to_dotted(declarations)));
    context.sink.report(DiagCode::UndeclaredOptionalInput, located(context, command, text, ref),
                        fmt::format("'{}' refers to input '{}', which is not declared: its "
                                    "optional argument is always left out",
                                    ref.text, ref.name),
                        std::move(notes));
    return;
  }
  notes.push_back(fmt::format("declare it under '{}:'", pointer_to_dotted(declarations)));
  context.sink.report(DiagCode::UndeclaredReference, located(context, command, text, ref),
                      fmt::format("'{}' refers to {} '{}', which is not declared", ref.text,
                                  ref.scope == "search_space" ? "search space parameter"
                                  : ref.scope == "inputs"     ? "input"
                                                              : "output",
                                  ref.name),
                      std::move(notes));
}

// An input without a value cannot be used outside $[[...]]: Azure ML refuses it, and a
// launch script would have no text to put there.
void report_missing_value(const CheckContext& context, const std::string& command,
                          const std::string& text, const CommandReference& ref,
                          const nlohmann::json& input) {
  bool optional = input.is_object() && input.value("optional", nlohmann::json(false)) == true;
  context.sink.report(
      DiagCode::InputWithoutValue, located(context, command, text, ref),
      fmt::format("'{}' is outside $[[...]], but {}input '{}' has no value", ref.text,
                  optional ? "optional " : "", ref.name),
      {fmt::format("put the argument inside $[[...]], as in $[[--{} {}]], to leave it out when "
                   "the input has no value",
                   ref.name, ref.text),
       fmt::format("or give the input a value: a 'default:', or --set inputs.{}=VALUE", ref.name)});
}

// `$[[` without its `]]`, or inside another `$[[...]]`.
void check_optional_arguments(const CheckContext& context, const std::string& command,
                              const std::string& text, const OptionalArguments& optional) {
  for (const OptionalArgumentProblem& problem : optional.problems) {
    context.sink.report(
        DiagCode::BadFormat,
        reference_location(context, command, "$[[",
                           occurrences_before(text, "$[[", problem.offset)),
        problem.message,
        {"an optional argument is $[[text with ${{inputs.NAME}}]]: kept when its inputs have "
         "values, left out otherwise"});
  }
}

// `scopes` maps "inputs"/"outputs"/"search_space" to the pointer of their declarations.
void check_command(const CheckContext& context, const std::string& command,
                   const std::map<std::string, std::string>& scopes) {
  const nlohmann::json* node = context.find(command);
  if (!node || !node->is_string()) return;
  const std::string& text = node->get_ref<const std::string&>();
  OptionalArguments optional = find_optional_arguments(text);
  check_optional_arguments(context, command, text, optional);
  auto inputs = scopes.find("inputs");
  const nlohmann::json* declared_inputs =
      inputs == scopes.end() ? nullptr : context.find(inputs->second);
  std::set<std::string> used_inputs;
  for (const CommandReference& ref : find_command_references(text)) {
    auto scope = scopes.find(ref.scope);
    if (scope == scopes.end()) {
      context.sink.report(
          DiagCode::UndeclaredReference, located(context, command, text, ref),
          fmt::format("'{}' refers to '{}', which a job does not have", ref.text, ref.scope),
          {"a command can refer to ${{inputs.NAME}} and ${{outputs.NAME}}"});
      continue;
    }
    bool in_optional = inside_optional_argument(optional.arguments, ref.offset);
    std::vector<std::string> declared = keys_of(context.find(scope->second));
    if (std::find(declared.begin(), declared.end(), ref.name) == declared.end()) {
      report_undeclared(context, command, text, ref, scope->second,
                        in_optional && ref.scope == "inputs");
      continue;
    }
    if (ref.scope != "inputs") continue;
    used_inputs.insert(ref.name);
    // Only a typed input without a default lacks a value by design; a null or a data input
    // without a path is the schema's to report.
    const nlohmann::json& input = (*declared_inputs)[ref.name];
    if (!in_optional && is_typed_literal(input) && !input_has_value(*declared_inputs, ref.name)) {
      report_missing_value(context, command, text, ref, input);
    }
  }
  if (inputs == scopes.end()) return;
  for (const std::string& name : keys_of(declared_inputs)) {
    if (!used_inputs.count(name)) {
      context.sink.report(DiagCode::UnusedInput,
                          context.key_at(pointer_append(inputs->second, name)),
                          fmt::format("input '{}' is declared but the command never uses it", name),
                          {fmt::format("refer to it as ${{{{inputs.{}}}}}", name)});
    }
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

void check_distribution_and_resources(const CheckContext& context, const std::string& base) {
  check_count(context, base + "/resources/instance_count", 1);
  check_count(context, base + "/distribution/process_count_per_instance", 1);
  check_count(context, base + "/distribution/worker_count", 1);
  check_count(context, base + "/distribution/parameter_server_count", 0);
  // worker_count is a total (as in Azure ML), run as the same share on each node.
  const nlohmann::json* workers = context.find(base + "/distribution/worker_count");
  const nlohmann::json* nodes = context.find(base + "/resources/instance_count");
  if (workers && nodes && workers->is_number_integer() && nodes->is_number_integer() &&
      workers->get<long long>() > 0 && nodes->get<long long>() > 0 &&
      workers->get<long long>() % nodes->get<long long>() != 0) {
    context.sink.report(
        DiagCode::OutOfRange, context.at(base + "/distribution/worker_count"),
        fmt::format("'distribution.worker_count' ({}) must be a multiple of "
                    "'resources.instance_count' ({})",
                    workers->get<long long>(), nodes->get<long long>()),
        {"worker_count is the number of workers in all; each node runs the same number"});
  }
}

}  // namespace

void check_command_job(const CheckContext& context, const std::string& base) {
  check_local_path(context, base + "/code", PathKind::Any, "code");
  check_inputs(context, base + "/inputs");
  check_command(context, base + "/command",
                {{"inputs", base + "/inputs"}, {"outputs", base + "/outputs"}});
  check_environment_variables(context, base + "/environment_variables");
  check_job_environment(context, base + "/environment");
  check_job_compute(context, base + "/compute");
  check_distribution_and_resources(context, base);
  check_docker_args(context, base + "/resources", base + "/compute");
  check_count(context, base + "/limits/timeout", 1);
}

void check_sweep_job(const CheckContext& context) {
  check_local_path(context, "/trial/code", PathKind::Any, "code");
  check_inputs(context, "/inputs");
  check_command(
      context, "/trial/command",
      {{"inputs", "/inputs"}, {"outputs", "/outputs"}, {"search_space", "/search_space"}});
  check_environment_variables(context, "/trial/environment_variables");
  check_job_environment(context, "/trial/environment");
  check_job_compute(context, "/compute");
  check_distribution_and_resources(context, "/trial");
  check_distribution_and_resources(context, "");
  check_docker_args(context, "/trial/resources", "/compute");
  check_docker_args(context, "/resources", "/compute");
  for (const char* limit : {"/limits/max_total_trials", "/limits/max_concurrent_trials",
                            "/limits/timeout", "/limits/trial_timeout"}) {
    check_count(context, limit, 1);
  }
  check_count(context, "/early_termination/evaluation_interval", 1);
  check_count(context, "/early_termination/delay_evaluation", 0);
}

}  // namespace jobc
