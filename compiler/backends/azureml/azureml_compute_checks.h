// The Azure ML backend's rules for an AmlCompute spec (backend_registry.h's check_compute):
// instance ranges, and an ssh password written inline.
#pragma once

#include "jobc/diagnostics.h"
#include "jobc/model/compute.h"

namespace jobc {

void check_azureml_compute(const model::Compute& compute, DiagnosticSink& sink);

}  // namespace jobc
