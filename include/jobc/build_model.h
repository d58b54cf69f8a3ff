// The front end's last step: the typed model of a validated spec (and of the specs it names
// by path). Checks that need the meaning of values (docker_args, distribution counts, command
// references) run here, reporting located diagnostics to the sink.
#pragma once

#include <optional>

#include "jobc/model/spec.h"
#include "jobc/validate.h"

namespace jobc {

// nullopt when the spec has errors (all of them are in `sink`).
std::optional<model::Spec> build_model(const LoadedSpec& spec, DiagnosticSink& sink);

}  // namespace jobc
