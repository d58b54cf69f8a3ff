#include "backends/slurm/slurm_compute.h"

namespace jobc::slurm {
namespace {

std::optional<std::string> text_of(const model::Compute& compute, const char* key) {
  const model::Value* value = compute.settings.find(key);
  if (!value || !value->is_string()) return std::nullopt;
  return value->text;
}

}  // namespace

SlurmCompute SlurmCompute::from(const model::Compute& compute) {
  SlurmCompute slurm;
  slurm.name = compute.name.value_or("");
  slurm.endpoint = text_of(compute, "endpoint").value_or("");
  slurm.user = text_of(compute, "user").value_or("");
  slurm.staging_dir = text_of(compute, "staging_dir").value_or("");
  slurm.partition = text_of(compute, "partition");
  slurm.account = text_of(compute, "account");
  slurm.token_env = text_of(compute, "token_env");
  slurm.token_file = text_of(compute, "token_file");
  slurm.api_version = text_of(compute, "api_version");
  return slurm;
}

nlohmann::json SlurmCompute::to_json() const {
  nlohmann::json out = {{"type", "slurm"},
                        {"name", name},
                        {"endpoint", endpoint},
                        {"user", user},
                        {"staging_dir", staging_dir}};
  auto put = [&](const char* key, const std::optional<std::string>& value) {
    if (value) out[key] = *value;
  };
  put("partition", partition);
  put("account", account);
  put("token_env", token_env);
  put("token_file", token_file);
  put("api_version", api_version);
  return out;
}

std::vector<std::string> credential_variables(const model::Compute& compute) {
  SlurmCompute slurm = SlurmCompute::from(compute);
  if (slurm.token_file) return {};
  return {slurm.token_env.value_or("SLURM_JWT")};
}

}  // namespace jobc::slurm
