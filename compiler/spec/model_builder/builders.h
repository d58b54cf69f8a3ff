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
model::SweepJob build_sweep_job(const Reader& reader);

}  // namespace jobc::model_builder
