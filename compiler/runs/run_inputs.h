// A job's inputs as a jobc backend (local, Docker, Slurm) provides them: local paths as they
// are, https:// files downloaded (through the cache in jobc's home) into the run's folder,
// `mode: download` inputs copied there; and inputs no backend here can fetch (azureml: data
// assets, azureml:// datastores, other schemes, folders over https) refused with their
// location before anything starts.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "jobc/backend.h"
#include "jobc/backend_registry.h"
#include "jobc/model/job.h"
#include "jobc/result.h"

namespace jobc {

// Reports each input of `job` that `backend` cannot provide; false when there was one.
bool check_inputs_for_backend(const model::JobCommon& job, const BackendEntry& backend,
                              DiagnosticSink& sink);

struct InputPreparation {
  std::filesystem::path home;  // jobc's home: the download cache is home/downloads
  std::ostream* progress = nullptr;
  bool live_progress = false;                    // progress goes to a terminal
  std::vector<std::string>* warnings = nullptr;  // said once to the user, even with -q
};

// Fills context.environment (JOBC_INPUT_<name>) and context.input_read_only for the inputs
// of a job that passed check_inputs_for_backend, downloading and copying into
// context.run_dir / "inputs". An error when a download or a copy fails.
Status prepare_run_inputs(const model::JobCommon& job, const BackendEntry& backend,
                          const InputPreparation& preparation, RunContext& context);

}  // namespace jobc
