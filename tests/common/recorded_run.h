// Test helper: a run store in a fresh JOBC_HOME holding one run, recorded as `jobc submit`
// leaves it (its folder, monitor.json, the store's row), for tests of monitors and cancels.
#pragma once

#include <doctest/doctest.h>

#include <filesystem>
#include <memory>

#include "common/temp_dir.h"
#include "jobc/run_store.h"
#include "runs/monitor_config.h"

namespace jobc::testing {

struct RecordedRun {
  TempDir home;
  std::unique_ptr<RunStore> store;
  RunRecord run;
  std::filesystem::path run_dir;

  // `context.run` is the record to insert (its id, name and experiment are filled in).
  explicit RecordedRun(RunContext context) {
    auto opened = RunStore::open(home.path);
    REQUIRE_MESSAGE(opened, (opened ? "" : opened.error().message));
    store = std::move(opened).value();
    run = context.run;
    run.id = new_run_id("exp");
    run.name = run.id;
    run.experiment = "exp";
    run_dir = store->run_dir(run.id);
    context.run = run;
    context.run_dir = run_dir;
    context.work_dir = run_dir / "work";
    context.artifacts_dir = run_dir / "artifacts";
    context.log_file = run_dir / "std_log.txt";
    std::filesystem::create_directories(context.work_dir);
    Status written = write_monitor_config(home.path, context);
    REQUIRE_MESSAGE(written.ok(), (written ? "" : written.error().message));
    Status inserted = store->insert(run);
    REQUIRE_MESSAGE(inserted, (inserted ? "" : inserted.error().message));
  }

  RunRecord now() const { return *find_if_readable(*store, run.id); }
};

}  // namespace jobc::testing
