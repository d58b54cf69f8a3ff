// The front end's last step: the typed model of a validated spec (and of the specs it names
// by path). Checks that need the meaning of values (docker_args, distribution counts, command
// references, a backend's rules for its compute type) run here, reporting located
// diagnostics to the sink. load_and_validate calls it (LoadedSpec::model): call it yourself
// only for a LoadedSpec you assembled by hand.
#pragma once

#include <optional>

#include "jobc/model/spec.h"
#include "jobc/validate.h"

namespace jobc {

// nullopt when these checks find errors (all of them are in `sink`). It does not look at
// errors reported before: a spec with errors gets no model from load_and_validate.
// `sources` holds the text of the spec's files, for placing a diagnostic inside a value.
std::optional<model::Spec> build_model(const LoadedSpec& spec, const SourceManager& sources,
                                       DiagnosticSink& sink);
// The same, finding places in the specs' own text (LoadedSpec::doc.text).
std::optional<model::Spec> build_model(const LoadedSpec& spec, DiagnosticSink& sink);

}  // namespace jobc
