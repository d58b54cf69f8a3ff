// Test helper: a fresh JOBC_HOME whose store holds one ended run, named as a test wants (a
// name with markup), and the UI's API over it.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "common/temp_dir.h"
#include "server/ui/api.h"

namespace jobc::ui::testing {

struct UiStore {
  jobc::testing::TempDir home;
  std::unique_ptr<UiApi> api;
  RunRecord run;

  explicit UiStore(const std::string& name) {
    auto opened = UiApi::open(home.path);
    REQUIRE(opened);
    api = std::move(opened).value();
    run.id = new_run_id("exp");
    run.name = name;
    run.experiment = "exp";
    run.status = RunStatus::Completed;
    run.created_ms = run.started_ms = 1000;
    run.ended_ms = 2000;
    REQUIRE(api->store().insert(run));
  }
  std::filesystem::path run_dir() const { return api->store().run_dir(run.id); }
};

}  // namespace jobc::ui::testing
