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

// The same with the reason the run records instead of "canceled by the user" (a sweep's
// policy stopping a trial). It goes to the run's monitor through RUN_DIR/cancel_reason.
Status cancel_run(RunStore& store, const std::string& id, const std::string& reason,
                  const BackendFactory& make = registry_backend);

// Why the run in `run_dir` was canceled: what cancel_run was given, else "canceled by the user".
std::string cancel_reason(const std::filesystem::path& run_dir);

}  // namespace jobc
