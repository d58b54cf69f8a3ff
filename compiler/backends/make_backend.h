// Which compute each job runs on, and whether the job fits the backend. (Moving to
// runs/compute_target.h with helper "submit"; backends are made by the registry only.)
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "jobc/backend.h"
#include "jobc/validate.h"

namespace jobc {

struct ComputeTarget {
  std::string backend;                                // local, docker, slurm
  nlohmann::json compute = nlohmann::json::object();  // the compute spec, {} for built-ins
  std::string shown;                                  // how the user named it, for messages
};

// Where a job runs: --compute (a name or a compute spec file) or the job's own `compute:`;
// no compute means local. Reports why when jobc cannot run there.
std::optional<ComputeTarget> resolve_compute(const LoadedSpec& spec, const std::string& override_,
                                             SourceManager& sources, DiagnosticSink& sink);

// Checks, before anything starts, that the job can run on the backend (one instance on a
// single machine, say). Reports located diagnostics.
bool check_job_for_backend(const ComputeTarget& target, const LoadedSpec& spec,
                           DiagnosticSink& sink);

}  // namespace jobc
