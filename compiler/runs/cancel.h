// Canceling a run: ask its monitor to stop the job (SIGTERM, then SIGKILL after a grace
// period); with no monitor left, stop the job directly through its backend and record the
// cancel.
#pragma once

#include <string>

#include "jobc/result.h"
#include "jobc/run_store.h"
#include "runs/backend_factory.h"

namespace jobc {

// Fails when there is no such run, or its cancel cannot be recorded. Canceling a finished run
// is a no-op. `make` gives the backend that stops a job whose monitor is gone (tests pass a
// fake).
Status cancel_run(RunStore& store, const std::string& id,
                  const BackendFactory& make = registry_backend);

}  // namespace jobc
