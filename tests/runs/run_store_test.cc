#include "jobc/run_store.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "common/temp_dir.h"
#include "runs/store_calls.h"

namespace {

jobc::RunRecord make_run(const std::string& experiment, int64_t created) {
  jobc::RunRecord run;
  run.experiment = experiment;
  run.id = jobc::new_run_id(experiment);
  run.name = run.id;
  run.created_ms = created;
  run.backend = "local";
  return run;
}

}  // namespace

TEST_SUITE("runs") {
  TEST_CASE("runs are recorded, found, filtered and listed newest first") {
    jobc::testing::TempDir home;
    auto store = jobc::testing::open_store(home.path);
    auto a = make_run("exp-a", 1000);
    auto b = make_run("exp-b", 2000);
    b.name = "named";
    REQUIRE(store->insert(a));
    REQUIRE(store->insert(b));
    CHECK(jobc::find_if_readable(*store, a.id)->experiment == "exp-a");
    CHECK(jobc::find_if_readable(*store, "named")->id == b.id);
    CHECK(!jobc::find_if_readable(*store, "no-such-run"));
    auto all = store->list({});
    REQUIRE(all);
    REQUIRE(all->size() == 2);
    CHECK((*all)[0].id == b.id);  // newest first
    CHECK(store->list({"exp-a", std::nullopt})->size() == 1);
    CHECK(store->list({"", jobc::RunStatus::Queued})->size() == 2);
    CHECK(store->list({"", jobc::RunStatus::Completed})->empty());
  }

  TEST_CASE(
      "a store closed leaving its log keeps runs.db-wal for the next opener, which reads every "
      "run") {
    jobc::testing::TempDir home;
    auto run = make_run("exp", 1000);
    auto other = make_run("exp", 2000);
    jobc::testing::open_store(home.path).reset();  // made, and closed as usual
    CHECK_FALSE(std::filesystem::exists(home.path / "runs.db-wal"));
    {
      auto store = jobc::testing::open_store(home.path);
      REQUIRE(store->insert(run));
      store->leave_log_on_close();
    }
    CHECK(std::filesystem::exists(home.path / "runs.db-wal"));
    {
      auto store = jobc::testing::open_store(home.path);
      CHECK(jobc::find_if_readable(*store, run.id));
      REQUIRE(store->insert(other));
    }
    // Closed as usual, the last connection folds the log into the database and removes it.
    CHECK_FALSE(std::filesystem::exists(home.path / "runs.db-wal"));
    auto store = jobc::testing::open_store(home.path);
    CHECK(store->list({})->size() == 2);
  }

  TEST_CASE("the first terminal status wins") {
    jobc::testing::TempDir home;
    auto store = jobc::testing::open_store(home.path);
    auto run = make_run("x", 1);
    REQUIRE(store->insert(run));
    REQUIRE(store->finish(run.id, jobc::RunStatus::Canceled, std::nullopt, "canceled"));
    REQUIRE(store->finish(run.id, jobc::RunStatus::Completed, 0, ""));
    auto found = jobc::find_if_readable(*store, run.id);
    CHECK(found->status == jobc::RunStatus::Canceled);
    CHECK(found->reason == "canceled");
    CHECK(!found->exit_code);
  }

  TEST_CASE("an ended run is not overwritten; finish_unwatched yields to a new monitor") {
    jobc::testing::TempDir home;
    auto store = jobc::testing::open_store(home.path);
    auto run = make_run("exp", 1000);
    REQUIRE(store->insert(run));
    auto seen = *jobc::find_if_readable(*store, run.id);  // no monitor yet
    run.status = jobc::RunStatus::Running;
    run.monitor_pid = 4242;
    REQUIRE(store->update(run));  // a monitor takes the run over
    REQUIRE(store->finish_unwatched(seen, jobc::RunStatus::Canceled, "canceled"));
    CHECK(jobc::find_if_readable(*store, run.id)->status == jobc::RunStatus::Running);
    REQUIRE(store->finish_unwatched(*jobc::find_if_readable(*store, run.id),
                                    jobc::RunStatus::Canceled, "x"));
    CHECK(jobc::find_if_readable(*store, run.id)->status == jobc::RunStatus::Canceled);
    CHECK_FALSE(store->update(run));  // Running again? no: it has ended
    CHECK(jobc::find_if_readable(*store, run.id)->status == jobc::RunStatus::Canceled);
  }

  TEST_CASE("concurrent writers from several processes do not collide") {
    jobc::testing::TempDir home;
    REQUIRE(jobc::RunStore::open(home.path));
    std::vector<pid_t> children;
    for (int p = 0; p < 4; ++p) {
      pid_t pid = fork();
      if (pid == 0) {
        auto store = jobc::RunStore::open(home.path);
        bool ok = store.ok();
        for (int i = 0; ok && i < 50; ++i) {
          ok = (*store)->insert(make_run("concurrent", i)).ok();
        }
        _exit(ok ? 0 : 1);
      }
      children.push_back(pid);
    }
    for (pid_t pid : children) {
      int status = 0;
      waitpid(pid, &status, 0);
      CHECK(WIFEXITED(status));
      CHECK(WEXITSTATUS(status) == 0);
    }
    auto store = jobc::testing::open_store(home.path);
    CHECK(store->list({"concurrent", std::nullopt})->size() == 200);
  }

  TEST_CASE("the jobc home, runs/ and runs.db are private; a home open to others is warned of") {
    jobc::testing::TempDir dir;
    auto mode = [](const std::filesystem::path& path) {
      struct stat info {};
      REQUIRE(stat(path.c_str(), &info) == 0);
      return info.st_mode & 07777;
    };
    std::filesystem::path home = dir.path / "new" / "jobc";
    {
      auto store = jobc::testing::open_store(home);
      auto run = make_run("exp", 1);
      REQUIRE(store->insert(run));
    }
    CHECK(mode(home) == 0700);
    CHECK(mode(home / "runs") == 0700);
    CHECK(mode(home / "runs.db") == 0600);
    CHECK(jobc::home_privacy_warning(home).empty());
    // A home made before jobc kept it private: runs/ and runs.db are jobc's own and made
    // private; the home itself is the user's to change, and jobc says so.
    chmod(home.c_str(), 0755);
    chmod((home / "runs").c_str(), 0755);
    chmod((home / "runs.db").c_str(), 0644);
    REQUIRE(jobc::RunStore::open(home));
    CHECK(mode(home) == 0755);
    CHECK(mode(home / "runs") == 0700);
    CHECK(mode(home / "runs.db") == 0600);
    std::string warning = jobc::home_privacy_warning(home);
    CHECK(warning.find("open to other users (mode 0755)") != std::string::npos);
    CHECK(warning.find("chmod 700") != std::string::npos);
  }

  TEST_CASE("status names round-trip") {
    for (auto status :
         {jobc::RunStatus::Queued, jobc::RunStatus::Running, jobc::RunStatus::Completed,
          jobc::RunStatus::Failed, jobc::RunStatus::Canceled}) {
      CHECK(jobc::parse_status(jobc::status_name(status)) == status);
    }
    CHECK(jobc::parse_status("completed") == jobc::RunStatus::Completed);
    CHECK(!jobc::parse_status("Done"));
  }
}
