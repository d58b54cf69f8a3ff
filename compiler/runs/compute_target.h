// Where a job runs: the backend and compute spec that `--compute` or the job's `compute:`
// names, found through the backend registry, and whether the job fits that backend.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "jobc/backend_registry.h"
#include "jobc/model/spec.h"
#include "jobc/source.h"

namespace jobc {

struct ComputeTarget {
  const BackendEntry* backend = nullptr;
  std::shared_ptr<const model::Compute> compute;  // the compute spec; null for a built-in name
  std::string shown;                              // how the user named it, for messages
};

// `override_` (--compute: a name or a compute spec file, loaded into `sources`) or the job's
// own `compute:`; none means the registry's default (local). Reports, located, why jobc
// cannot run the job there.
std::optional<ComputeTarget> resolve_compute(const model::JobCommon& job,
                                             const std::string& override_, SourceManager& sources,
                                             DiagnosticSink& sink);

// Checks, before anything starts, that the backend runs the job as written (its instance
// count, its distribution, the backend's own rules). False when it reported an error.
bool check_job_for_backend(const ComputeTarget& target, const model::CommandBody& body,
                           DiagnosticSink& sink);

// `spec` (a job) with `target`'s compute spec as its `compute:`, for a --compute that names
// another compute spec than the job's own. Null when `target` has no compute spec.
std::shared_ptr<const model::Spec> spec_on_compute(const model::Spec& spec,
                                                   const ComputeTarget& target);

// The compute spec as monitor.json keeps it (RunContext::compute); {} for none.
nlohmann::json compute_json(const model::Compute* compute);

}  // namespace jobc
