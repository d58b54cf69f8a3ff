// The run store loses nothing: a damaged runs.db (garbage, emptied, a damaged page) is
// reported as damaged, never read as an empty or partial history, and `jobc runs repair`
// records every run again from the run.json in its folder, keeping the damaged file aside.
#include <doctest/doctest.h>

#include <fstream>

#include "common/temp_dir.h"
#include "jobc/run_store.h"
#include "runs/monitor.h"
#include "runs/monitor_config.h"
#include "runs/run_record_file.h"
#include "runs/store_calls.h"

namespace fs = std::filesystem;

namespace {

// A store holding three ended runs, each with its folder, as `jobc submit` leaves them.
struct EndedRuns {
  jobc::testing::TempDir home;
  std::vector<std::string> ids;

  EndedRuns() {
    auto store = jobc::testing::open_store(home.path);
    const jobc::RunStatus ends[] = {jobc::RunStatus::Completed, jobc::RunStatus::Failed,
                                    jobc::RunStatus::Canceled};
    for (int i = 0; i < 3; ++i) {
      jobc::RunRecord run;
      run.experiment = "exp";
      run.id = jobc::new_run_id("exp");
      run.name = "run-" + std::to_string(i);
      run.created_ms = 1000 + i;
      run.backend = "local";
      fs::create_directories(store->run_dir(run.id));
      REQUIRE(store->insert(run));
      run.status = jobc::RunStatus::Running;
      REQUIRE(store->update(run));
      std::optional<int> code;
      if (i < 2) code = i == 0 ? 0 : 3;
      REQUIRE(store->finish(run.id, ends[i], code, i == 1 ? "exit code 3" : ""));
      ids.push_back(run.id);
    }
  }  // the store closes: SQLite folds its WAL back into runs.db

  fs::path db() const { return home.path / "runs.db"; }

  // Overwrites `size` bytes of runs.db at `offset` (0 for the whole file when size is 0).
  void damage(std::streamoff offset, const std::string& bytes) const {
    std::fstream file(db(), std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(offset);
    file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
};

// The store's answer to opening and listing it: the error, or "" with the runs it listed.
std::string open_and_list(const fs::path& home, size_t& listed) {
  auto store = jobc::RunStore::open(home);
  if (!store) return store.error().message;
  auto runs = (*store)->list({});
  if (!runs) return runs.error().message;
  listed = runs->size();
  return "";
}

void check_reported_then_repaired(const EndedRuns& runs) {
  size_t listed = 0;
  std::string failure = open_and_list(runs.home.path, listed);
  CHECK(failure.find("is damaged") != std::string::npos);
  CHECK(failure.find("jobc runs repair") != std::string::npos);

  jobc::StoreRepair report;
  auto repaired = jobc::RunStore::repair(runs.home.path);
  REQUIRE_MESSAGE(repaired, jobc::testing::message_of(repaired));
  report = *repaired;
  CHECK(report.was_damaged);
  CHECK(report.restored == 3);
  CHECK(fs::exists(report.kept_as));  // kept, never deleted
  CHECK(report.kept_as.filename().string().rfind("runs.db.damaged-", 0) == 0);

  auto store = jobc::testing::open_store(runs.home.path);
  REQUIRE(store->list({})->size() == 3);
  auto completed = jobc::find_if_readable(*store, runs.ids[0]);
  auto failed = jobc::find_if_readable(*store, runs.ids[1]);
  auto canceled = jobc::find_if_readable(*store, runs.ids[2]);
  REQUIRE((completed && failed && canceled));
  CHECK(completed->status == jobc::RunStatus::Completed);
  CHECK(completed->exit_code == 0);
  CHECK(failed->status == jobc::RunStatus::Failed);
  CHECK(failed->exit_code == 3);
  CHECK(failed->reason == "exit code 3");
  CHECK(failed->name == "run-1");
  CHECK(canceled->status == jobc::RunStatus::Canceled);
  CHECK(!canceled->exit_code);
}

}  // namespace

TEST_SUITE("runs") {
  TEST_CASE("a run's folder holds its record as the store last wrote it") {
    jobc::testing::TempDir home;
    auto store = jobc::testing::open_store(home.path);
    jobc::RunRecord run;
    run.id = jobc::new_run_id("exp");
    run.name = "first";
    run.experiment = "exp";
    run.backend = "local";
    fs::create_directories(store->run_dir(run.id));
    REQUIRE(store->insert(run));
    CHECK(jobc::read_run_record_file(store->run_dir(run.id))->name == "first");
    run.status = jobc::RunStatus::Running;
    run.monitor_pid = 4242;
    REQUIRE(store->update(run));
    CHECK(jobc::read_run_record_file(store->run_dir(run.id))->monitor_pid == 4242);
    REQUIRE(store->finish(run.id, jobc::RunStatus::Failed, 7, "exit code 7"));
    REQUIRE(store->finish(run.id, jobc::RunStatus::Completed, 0, ""));  // too late
    auto recorded = jobc::read_run_record_file(store->run_dir(run.id));
    REQUIRE(recorded);
    CHECK(recorded->status == jobc::RunStatus::Failed);
    CHECK(recorded->exit_code == 7);
    CHECK(recorded->reason == "exit code 7");
    CHECK(recorded->ended_ms > 0);
    CHECK((fs::status(jobc::run_record_file(store->run_dir(run.id))).permissions() &
           fs::perms::others_read) == fs::perms::none);
  }

  TEST_CASE("a store overwritten with garbage is reported damaged, and repaired") {
    EndedRuns runs;
    runs.damage(0, std::string(8192, 'x'));
    check_reported_then_repaired(runs);
  }

  TEST_CASE("a store truncated to zero bytes is reported damaged, not an empty history") {
    EndedRuns runs;
    fs::resize_file(runs.db(), 0);
    check_reported_then_repaired(runs);
  }

  TEST_CASE("a store with a damaged page is reported damaged, not a partial history") {
    EndedRuns runs;
    // Page 2 is the runs table's root (SQLite's default page size is 4096): its header
    // and cell pointers overwritten.
    runs.damage(4096, std::string(64, '\xa5'));
    check_reported_then_repaired(runs);
  }

  TEST_CASE("repair leaves a store that reads fine as it is") {
    EndedRuns runs;
    jobc::StoreRepair report;
    auto repaired = jobc::RunStore::repair(runs.home.path);
    REQUIRE_MESSAGE(repaired, jobc::testing::message_of(repaired));
    report = *repaired;
    CHECK_FALSE(report.was_damaged);
    CHECK(report.kept_as.empty());
    size_t listed = 0;
    CHECK(open_and_list(runs.home.path, listed).empty());
    CHECK(listed == 3);
  }

  TEST_CASE("a folder holding no run record is named by repair, not restored") {
    EndedRuns runs;
    fs::create_directories(runs.home.path / "runs" / "stray");
    fs::resize_file(runs.db(), 0);
    jobc::StoreRepair report;
    auto repaired = jobc::RunStore::repair(runs.home.path);
    REQUIRE_MESSAGE(repaired, jobc::testing::message_of(repaired));
    report = *repaired;
    CHECK(report.restored == 3);
    CHECK(report.without_record == std::vector<std::string>{"stray"});
  }

  TEST_CASE("a run recorded before run.json existed is restored from its other files") {
    EndedRuns runs;
    fs::path older = runs.home.path / "runs" / "old_exp_1700000000_0123abcd";
    fs::create_directories(older);
    std::ofstream(jobc::monitor_config_file(older)) << R"({"backend": "docker"})";
    std::ofstream(jobc::final_status_file(older))
        << R"({"status": "Failed", "reason": "exit code 2", "exit_code": 2})";
    fs::path unfinished = runs.home.path / "runs" / "exp_1700000001_89abcdef";
    fs::create_directories(unfinished);
    std::ofstream(jobc::monitor_config_file(unfinished)) << R"({"backend": "local"})";
    fs::resize_file(runs.db(), 0);
    jobc::StoreRepair report;
    auto repaired = jobc::RunStore::repair(runs.home.path);
    REQUIRE_MESSAGE(repaired, jobc::testing::message_of(repaired));
    report = *repaired;
    CHECK(report.restored == 5);
    auto store = jobc::testing::open_store(runs.home.path);
    auto old_run = jobc::find_if_readable(*store, "old_exp_1700000000_0123abcd");
    REQUIRE(old_run);
    CHECK(old_run->experiment == "old_exp");
    CHECK(old_run->backend == "docker");
    CHECK(old_run->status == jobc::RunStatus::Failed);
    CHECK(old_run->exit_code == 2);
    CHECK(old_run->reason == "exit code 2");
    auto lost = jobc::find_if_readable(*store, "exp_1700000001_89abcdef");
    REQUIRE(lost);
    CHECK(lost->status == jobc::RunStatus::Failed);  // never shown Running with no one on it
    CHECK(lost->reason.find("before it ended") != std::string::npos);
  }
}
