// The credentials jobc reads from the environment for one run, by variable name: the
// environment's registry password (password_env), used by jobc submit to pull or build the
// image, and a Slurm compute's token (token_env), used by the run monitor to talk to
// slurmrestd. The job itself never gets them (RunContext::withheld_variables), and the
// monitor gets only the one it uses.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "jobc/validate.h"

namespace jobc {

struct RunCredentials {
  std::vector<std::string> submitter_only;  // the registry's password_env
  std::vector<std::string> monitor_uses;    // the Slurm compute's token_env
  // Every one of them: what the job never sees.
  std::vector<std::string> all() const;
};

// The credential variables of `spec` run on `backend` with the compute spec `compute`.
RunCredentials run_credentials(const LoadedSpec& spec, const std::string& backend,
                               const nlohmann::json& compute);

}  // namespace jobc
