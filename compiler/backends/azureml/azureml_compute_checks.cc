#include "backends/azureml/azureml_compute_checks.h"

#include <fmt/format.h>

namespace jobc {
namespace {

// A setting written as an integer; null when absent or of another type (the schema's to report).
const model::Value* integer_setting(const model::Compute& compute, std::string_view name) {
  const model::Value* value = compute.settings.find(name);
  return value && value->kind == model::Value::Kind::Int ? value : nullptr;
}

void check_at_least(const model::Compute& compute, std::string_view name, long long minimum,
                    DiagnosticSink& sink) {
  const model::Value* value = integer_setting(compute, name);
  if (!value || value->integer >= minimum) return;
  sink.report(DiagCode::NonPositiveCount, value->at,
              fmt::format("'{}' must be at least {}, not {}", name, minimum, value->integer));
}

// min_instances against max_instances, or against max_instances' default (1) when it is not
// written. A written value of the wrong type ("4", an empty value) is the schema's to report:
// comparing with the default instead would blame a value the user never wrote.
void check_instance_range(const model::Compute& compute, DiagnosticSink& sink) {
  const model::Value* min = integer_setting(compute, "min_instances");
  bool max_written = compute.settings.find("max_instances") != nullptr;
  const model::Value* max = integer_setting(compute, "max_instances");
  if (!min || (max_written && !max)) return;
  long long max_value = max ? max->integer : 1;
  if (min->integer > max_value) {
    sink.report(DiagCode::MinAboveMax, min->at,
                fmt::format("min_instances ({}) is greater than max_instances ({}{})", min->integer,
                            max_value, max ? "" : ", the default"));
  }
}

}  // namespace

void check_azureml_compute(const model::Compute& compute, DiagnosticSink& sink) {
  check_at_least(compute, "min_instances", 0, sink);
  check_at_least(compute, "max_instances", 1, sink);
  check_at_least(compute, "idle_time_before_scale_down", 0, sink);
  check_instance_range(compute, sink);
  const model::Value* ssh = compute.settings.find("ssh_settings");
  if (const model::Value* password = ssh ? ssh->find("admin_password") : nullptr) {
    sink.report(DiagCode::SecretLikeValue, password->key_at,
                "admin_password is written inline in the spec",
                {"prefer ssh_key_value, or pass it with --set at submit time"});
  }
}

}  // namespace jobc
