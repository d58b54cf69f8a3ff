// The typed model of one spec, built once from the validated document. Codegen, backends and
// runs read this; only the front end (compiler/spec/) sees YAML or JSON.
#pragma once

#include <optional>
#include <variant>

#include "jobc/model/compute.h"
#include "jobc/model/environment.h"
#include "jobc/model/job.h"
#include "jobc/model/sweep.h"

namespace jobc::model {

struct Spec {
  std::variant<Environment, Compute, CommandJob, SweepJob> body;

  SpecKind kind() const;
  const SpecSource& source() const;
  const Environment* environment_spec() const { return std::get_if<Environment>(&body); }
  const Compute* compute_spec() const { return std::get_if<Compute>(&body); }
  const CommandJob* command_job() const { return std::get_if<CommandJob>(&body); }
  const SweepJob* sweep_job() const { return std::get_if<SweepJob>(&body); }
  // A command job's or a sweep's common fields; null for environments and computes.
  const JobCommon* job() const;
  // What runs: a command job's body or a sweep's trial; null otherwise.
  const CommandBody* command_body() const;
  // The environment to build: an environment spec itself, or the job's inline or file
  // environment; null for a registered one or none.
  const Environment* environment() const;
};

}  // namespace jobc::model
