// Deleting a run takes its folder and its record together; only an ended run is deleted,
// and a delete a crash interrupted (its folder left in trash/) is finished by repair.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "common/temp_dir.h"
#include "jobc/run_store.h"
#include "runs/store_calls.h"

namespace fs = std::filesystem;

namespace {

jobc::RunRecord recorded(jobc::RunStore& store, const std::string& id, jobc::RunStatus status) {
  jobc::RunRecord run;
  run.id = id;
  run.name = id;
  run.experiment = "exp";
  run.status = status;
  run.created_ms = 1000;
  run.backend = "local";
  fs::create_directories(store.run_dir(id) / "work/outputs");
  std::ofstream(store.run_dir(id) / "work/outputs/model.bin") << std::string(100000, 'x');
  REQUIRE(store.insert(run));
  return run;
}

}  // namespace

TEST_SUITE("runs") {
  TEST_CASE("remove deletes an ended run's folder and record and says the space freed") {
    jobc::testing::TempDir home;
    auto store = jobc::testing::open_store(home.path);
    recorded(*store, "done_1_00000000", jobc::RunStatus::Completed);
    CHECK(store->disk_usage("done_1_00000000") >= 100000);
    auto freed = store->remove("done_1_00000000");
    REQUIRE_MESSAGE(freed, jobc::testing::message_of(freed));
    CHECK(*freed >= 100000);
    CHECK(!jobc::find_if_readable(*store, "done_1_00000000"));
    CHECK(!fs::exists(store->run_dir("done_1_00000000")));
    CHECK(fs::is_empty(home.path / "trash"));
  }

  TEST_CASE("remove refuses a run that has not ended and keeps all of it") {
    jobc::testing::TempDir home;
    auto store = jobc::testing::open_store(home.path);
    recorded(*store, "busy_1_00000000", jobc::RunStatus::Running);
    auto refused = store->remove("busy_1_00000000");
    CHECK(!refused);
    CHECK(jobc::testing::message_of(refused).find("has not ended") != std::string::npos);
    CHECK(jobc::find_if_readable(*store, "busy_1_00000000"));
    CHECK(fs::exists(store->run_dir("busy_1_00000000") / "work/outputs/model.bin"));
    CHECK(!store->remove("no_such_run"));
  }

  TEST_CASE("repair finishes a delete interrupted before or after its record went") {
    jobc::testing::TempDir home;
    {
      auto store = jobc::testing::open_store(home.path);
      recorded(*store, "a_1_00000000", jobc::RunStatus::Completed);
      recorded(*store, "b_1_00000000", jobc::RunStatus::Failed);
      recorded(*store, "kept_1_00000000", jobc::RunStatus::Completed);
      // A crash after the rename, before the record's delete was committed: folder in trash/,
      // record kept. And one after the commit: only the folder in trash/ is left.
      fs::create_directories(home.path / "trash");
      fs::rename(store->run_dir("a_1_00000000"), home.path / "trash/a_1_00000000");
      fs::rename(store->run_dir("b_1_00000000"), home.path / "trash/b_1_00000000");
      REQUIRE(store->remove("b_1_00000000"));  // the record only
      fs::create_directories(home.path / "trash/b_1_00000000/work");
    }
    jobc::StoreRepair report;
    auto repaired = jobc::RunStore::repair(home.path);
    REQUIRE_MESSAGE(repaired, jobc::testing::message_of(repaired));
    report = *repaired;
    std::sort(report.deletes_finished.begin(), report.deletes_finished.end());
    CHECK(report.deletes_finished == std::vector<std::string>{"a_1_00000000", "b_1_00000000"});
    auto store = jobc::testing::open_store(home.path);
    CHECK(!jobc::find_if_readable(*store, "a_1_00000000"));
    CHECK(jobc::find_if_readable(*store, "kept_1_00000000"));
    CHECK(fs::is_empty(home.path / "trash"));
  }
}
