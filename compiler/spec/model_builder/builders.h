// The model builder's parts, one concept per file (values, environment, compute, job, sweep).
#pragma once

#include <optional>
#include <string>

#include "jobc/diagnostics.h"
#include "jobc/model/spec.h"
#include "spec/model_builder/reader.h"

namespace jobc::model_builder {

model::Environment build_environment(const Reader& reader, const std::string& pointer);
// A job's `environment:` at `pointer`; nullopt when it has none.
std::optional<model::EnvironmentRef> build_environment_ref(const Reader& reader,
                                                           const std::string& pointer);

model::Compute build_compute(const Reader& reader);
model::ComputeRef build_compute_ref(const Reader& reader, const std::string& pointer);

// What command jobs and sweeps share; `base` is "" for a command job, "/trial" for a sweep.
void build_job_common(const Reader& reader, model::JobCommon& job);
model::CommandBody build_command_body(const Reader& reader, const std::string& base);
std::optional<model::Resources> build_resources(const Reader& reader, const std::string& pointer);

model::CommandJob build_command_job(const Reader& reader);
// The checks that need the model's meaning, run as it is built (each in its own file).
// `search_space`: a sweep's, null for a command job.
void check_command(const Reader& reader, const std::string& pointer, const model::Command& command,
                   const model::JobCommon& job,
                   const std::vector<model::SearchParameter>* search_space);
void check_docker_args(const Reader& reader, const std::string& resources,
                       const model::ComputeRef& compute);
// Reports E024 unless the integer at `pointer` is at least `minimum` (when present).
void check_at_least(const Reader& reader, const std::string& pointer, long long minimum);
// Instances, processes and workers of the resources and distribution under `base`.
void check_distribution_counts(const Reader& reader, const std::string& base);
model::SweepJob build_sweep_job(const Reader& reader);

}  // namespace jobc::model_builder
