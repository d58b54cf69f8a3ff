// The credentials jobc reads from the environment for one run, by variable name: the
// environment's registry password (password_env), used by jobc submit to pull or build the
// image, and those the run monitor uses to reach the compute (a Slurm compute's token_env,
// as its registry entry says). The job itself never gets them
// (RunContext::withheld_variables), and the monitor gets only the ones it uses.
#pragma once

#include <string>
#include <vector>

#include "jobc/backend_registry.h"
#include "jobc/model/spec.h"

namespace jobc {

struct RunCredentials {
  std::vector<std::string> submitter_only;  // the registry's password_env
  std::vector<std::string> monitor_uses;    // the compute's (a Slurm token_env)
  // Every one of them: what the job never sees.
  std::vector<std::string> all() const;
};

// The credential variables of `spec` run on `backend` with the compute spec `compute` (null
// for a built-in compute name).
RunCredentials run_credentials(const model::Spec& spec, const BackendEntry& backend,
                               const model::Compute* compute);

}  // namespace jobc
