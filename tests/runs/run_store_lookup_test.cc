// Finding runs: an id, else a name or id prefix that names one run; several are ambiguous
// and every candidate is told. Listing filters by creation time and keeps the newest.
#include <doctest/doctest.h>

#include <filesystem>

#include "common/run_command.h"
#include "common/temp_dir.h"
#include "jobc/run_store.h"
#include "runs/store_calls.h"

namespace {

jobc::RunRecord recorded(jobc::RunStore& store, const std::string& id, int64_t created,
                         const std::string& name = "") {
  jobc::RunRecord run;
  run.id = id;
  run.name = name.empty() ? id : name;
  run.experiment = "exp";
  run.created_ms = created;
  run.backend = "local";
  REQUIRE(store.insert(run));
  return run;
}

std::vector<std::string> ids(const std::vector<jobc::RunRecord>& runs) {
  std::vector<std::string> out;
  for (const auto& run : runs) out.push_back(run.id);
  return out;
}

using Ids = std::vector<std::string>;

}  // namespace

TEST_SUITE("runs") {
  TEST_CASE("a prefix or name several runs share is ambiguous and finds none; matches lists them") {
    jobc::testing::TempDir home;
    auto store = jobc::testing::open_store(home.path);
    recorded(*store, "exp_100_aaaa0001", 1000, "twin");
    recorded(*store, "exp_100_aaaa0002", 2000, "twin");
    recorded(*store, "exp_100_bbbb0003", 3000);
    CHECK(!jobc::find_if_readable(*store, "exp_100_aaaa"));
    CHECK(ids(*store->matches("exp_100_aaaa")) == Ids{"exp_100_aaaa0002", "exp_100_aaaa0001"});
    CHECK(!jobc::find_if_readable(*store, "twin"));  // before: the newest run named twin, silently
    CHECK(ids(*store->matches("twin")) == Ids{"exp_100_aaaa0002", "exp_100_aaaa0001"});
    CHECK(jobc::find_if_readable(*store, "exp_100_b")->id == "exp_100_bbbb0003");
    CHECK(jobc::find_if_readable(*store, "exp_100_aaaa0001")->id == "exp_100_aaaa0001");
    CHECK(store->matches("exp_100", 2)->size() == 2);
    CHECK(store->matches("")->empty());
  }

  TEST_CASE("an id prefix is compared exactly: '_' is no wildcard and case matters") {
    jobc::testing::TempDir home;
    auto store = jobc::testing::open_store(home.path);
    recorded(*store, "expX100_cccc0001", 1000);
    recorded(*store, "exp_100_cccc0002", 2000);
    CHECK(jobc::find_if_readable(*store, "exp_")->id ==
          "exp_100_cccc0002");  // before: both matched (LIKE)
    CHECK(!jobc::find_if_readable(*store, "EXP_"));
  }

  TEST_CASE("list keeps runs created since a time, and the newest up to a limit") {
    jobc::testing::TempDir home;
    auto store = jobc::testing::open_store(home.path);
    recorded(*store, "r1", 1000);
    recorded(*store, "r2", 2000);
    recorded(*store, "r3", 3000);
    jobc::RunFilter since;
    since.created_since_ms = 2000;
    CHECK(ids(*store->list(since)) == Ids{"r3", "r2"});
    jobc::RunFilter limited;
    limited.limit = 2;
    CHECK(ids(*store->list(limited)) == Ids{"r3", "r2"});
    limited.created_since_ms = 2500;
    CHECK(ids(*store->list(limited)) == Ids{"r3"});
  }

  TEST_CASE("a display name is recorded, and a store made before it gets the column") {
    jobc::testing::TempDir home;
    std::string db = (home.path / "runs.db").string();
    // runs.db as jobc made it before display names.
    auto made = jobc::testing::run_command(
        "sqlite3 " + jobc::testing::shell_quote(db) +
        " \"CREATE TABLE runs (id TEXT PRIMARY KEY, name TEXT NOT NULL, experiment TEXT NOT "
        "NULL, status TEXT NOT NULL, created_ms INTEGER NOT NULL, started_ms INTEGER NOT NULL "
        "DEFAULT 0, ended_ms INTEGER NOT NULL DEFAULT 0, exit_code INTEGER, reason TEXT NOT NULL "
        "DEFAULT '', spec_hash TEXT NOT NULL DEFAULT '', backend TEXT NOT NULL, backend_job_id "
        "TEXT NOT NULL DEFAULT '', monitor_pid INTEGER NOT NULL DEFAULT 0, monitor_start INTEGER "
        "NOT NULL DEFAULT 0); INSERT INTO runs (id, name, experiment, status, created_ms, "
        "backend) VALUES ('old_1_00000000', 'old', 'exp', 'Completed', 5, 'local');\"");
    REQUIRE_MESSAGE(made.status == 0, made.err);
    auto store = jobc::testing::open_store(home.path);
    CHECK(jobc::find_if_readable(*store, "old")->display_name.empty());
    jobc::RunRecord run;
    run.id = "new_2_00000000";
    run.name = run.id;
    run.display_name = "Learning rate 0.1";
    run.created_ms = 6;
    run.backend = "local";
    REQUIRE(store->insert(run));
    CHECK(jobc::find_if_readable(*store, run.id)->display_name == "Learning rate 0.1");
    CHECK(jobc::RunStore::open(home.path));  // opened again: the column is there
  }
}
