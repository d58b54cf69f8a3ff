// `jobc submit SWEEP`: the sweep's run and its controller, then (streaming) the live table of
// its trials until it ends, and the best trial. Ctrl-C cancels every trial.
#pragma once

#include <memory>

#include "jobc/compile.h"
#include "jobc/run_store.h"
#include "jobc/submit.h"
#include "support/http_client.h"

namespace jobc::cli {

struct SweepSubmitArgs {
  bool stream = false;  // follow it (else print its id and return)
  bool detach_on_interrupt = false;
  bool json = false;  // --output json
  bool quiet = false;
};

// `store` is closed while the controller forks (no SQLite connection may cross fork()) and
// opened again. `loading` (libcurl loading, for the backend's first trials) is waited for
// before the fork too: no other thread may run then. Returns the exit status.
int submit_sweep(const CompileResult& compiled, const SubmitOptions& options,
                 std::unique_ptr<RunStore>& store, SourceManager& sources,
                 const SweepSubmitArgs& args, std::unique_ptr<HttpWarmUp> loading);

}  // namespace jobc::cli
