// Canceling a run: ask its monitor to stop the job (SIGTERM, then SIGKILL after a grace
// period); with no monitor left, stop the job directly and record the cancel.
#pragma once

#include <string>

#include "jobc/run_store.h"

namespace jobc {

// False with `error` set when there is no such run. Canceling a finished run is a no-op.
bool cancel_run(RunStore& store, const std::string& id, std::string& error);

}  // namespace jobc
