// A compute spec of type slurm, read from the model's compute settings (the generic model
// leaves a compute type's own settings to the backend that owns the type).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "jobc/model/compute.h"

namespace jobc::slurm {

struct SlurmCompute {
  std::string name;
  std::string endpoint;     // slurmrestd's base URL
  std::string user;         // X-SLURM-USER-NAME
  std::string staging_dir;  // a folder every node sees
  std::optional<std::string> partition;
  std::optional<std::string> account;
  std::optional<std::string> token_env;   // the variable's name, never its value
  std::optional<std::string> token_file;  // a path, never the file's content
  std::optional<std::string> api_version;

  static SlurmCompute from(const model::Compute& compute);
  // What the run monitor keeps of it (monitor.json's compute): never a secret.
  nlohmann::json to_json() const;
};

// The variables holding the credentials the monitor uses (token_env, default SLURM_JWT; none
// with a token_file): the registry's credential_variables hook for Slurm.
std::vector<std::string> credential_variables(const model::Compute& compute);

}  // namespace jobc::slurm
