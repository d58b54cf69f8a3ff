// The Azure ML backend's own rule for a job about to run on it (the registry's check_job): an
// image from a private registry with jobc's `registry:` credentials is refused, saying what the
// workspace needs instead. Azure ML v2 pulls a private base image through the workspace (a
// workspace connection of category ContainerRegistry, or the workspace's managed identity with
// AcrPull on an Azure Container Registry), never with credentials sent along with the job.
#pragma once

#include "jobc/diagnostics.h"
#include "jobc/model/compute.h"
#include "jobc/model/job.h"

namespace jobc::azureml {

void check_job(const model::CommandBody& body, const model::Compute* compute, DiagnosticSink& sink);

}  // namespace jobc::azureml
