// The Slurm backend's rules for a compute spec of type slurm (backend_registry.h's
// check_compute): how slurmrestd's token is given.
#pragma once

#include "jobc/diagnostics.h"
#include "jobc/model/compute.h"

namespace jobc {

void check_slurm_compute(const model::Compute& compute, DiagnosticSink& sink);

}  // namespace jobc
