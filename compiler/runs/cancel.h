// Canceling a run: ask its monitor to stop the job (SIGTERM, then SIGKILL after a grace
// period); with no monitor left, stop the job directly through its backend and record the
// cancel.
#pragma once

#include <string>

#include "backends/make_backend.h"
#include "jobc/run_store.h"

namespace jobc {

// False with `error` set when there is no such run. Canceling a finished run is a no-op.
// `make` gives the backend that stops a job whose monitor is gone (tests pass a fake).
bool cancel_run(RunStore& store, const std::string& id, std::string& error,
                const BackendFactory& make = make_backend);

}  // namespace jobc
