// The backends jobc has, by name: which compute each job runs on, whether the job fits
// the backend, and the Backend object itself.
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

// A backend by name; `config` is the monitor's configuration (monitor.json).
std::unique_ptr<Backend> make_backend(const std::string& name, const nlohmann::json& config);

// make_backend, or a test's stand-in for it.
using BackendFactory =
    std::function<std::unique_ptr<Backend>(const std::string& name, const nlohmann::json& config)>;

}  // namespace jobc
