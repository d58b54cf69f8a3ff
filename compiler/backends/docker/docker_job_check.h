// The Docker backend's own rule for a job about to run on it (the registry's check_job): the
// docker_args options it does not take are errors here, wherever the job was meant to run
// (elsewhere the front end only warns: Azure ML passes them on to `docker run`).
#pragma once

#include "jobc/diagnostics.h"
#include "jobc/model/compute.h"
#include "jobc/model/job.h"

namespace jobc::docker {

void check_job(const model::CommandBody& body, const model::Compute* compute, DiagnosticSink& sink);

}  // namespace jobc::docker
