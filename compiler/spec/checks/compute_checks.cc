// Compute rules a schema cannot express: instance ranges and Slurm credentials.
#include <fmt/format.h>

#include "spec/checks/check_context.h"

namespace jobc {

static std::string lowercase_type(const nlohmann::json* type) {
  std::string text = type && type->is_string() ? type->get<std::string>() : "";
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// min_instances against max_instances, or against max_instances' default (1) when it is not
// written. A written value of the wrong type ("4", an empty value) is the schema's to report:
// comparing with the default instead would blame a value the user never wrote.
static void check_instance_range(const CheckContext& context) {
  const nlohmann::json* min = context.find("/min_instances");
  const nlohmann::json* max = context.find("/max_instances");
  if (!min || !min->is_number_integer() || (max && !max->is_number_integer())) return;
  long long max_value = max ? max->get<long long>() : 1;
  if (min->get<long long>() > max_value) {
    context.sink.report(DiagCode::MinAboveMax, context.at("/min_instances"),
                        fmt::format("min_instances ({}) is greater than max_instances ({}{})",
                                    min->get<long long>(), max_value, max ? "" : ", the default"));
  }
}

static void check_amlcompute(const CheckContext& context) {
  check_count(context, "/min_instances", 0);
  check_count(context, "/max_instances", 1);
  check_count(context, "/idle_time_before_scale_down", 0);
  check_instance_range(context);
  if (context.find("/ssh_settings/admin_password")) {
    context.sink.report(DiagCode::SecretLikeValue, context.key_at("/ssh_settings/admin_password"),
                        "admin_password is written inline in the spec",
                        {"prefer ssh_key_value, or pass it with --set at submit time"});
  }
}

static void check_slurm(const CheckContext& context) {
  if (context.find("/token")) {
    context.sink.report(DiagCode::InlineSecret, context.key_at("/token"),
                        "Slurm token is written inline in the spec",
                        {"use token_env: SLURM_JWT (an environment variable) or token_file: PATH"});
  }
  bool has_env = context.find("/token_env") != nullptr;
  bool has_file = context.find("/token_file") != nullptr;
  if (has_env && has_file) {
    context.sink.report(DiagCode::SchemaViolation, context.key_at("/token_file"),
                        "give either token_env or token_file, not both");
  } else if (!has_env && !has_file && !context.find("/token")) {
    context.sink.report(DiagCode::MissingKey, context.key_at(""),
                        "a slurm compute needs token_env or token_file for slurmrestd's JWT");
  }
}

void check_compute(const CheckContext& context) {
  std::string type = lowercase_type(context.find("/type"));
  if (type == "amlcompute") check_amlcompute(context);
  if (type == "slurm") check_slurm(context);
}

}  // namespace jobc
