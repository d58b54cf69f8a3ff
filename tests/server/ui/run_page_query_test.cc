#include <doctest/doctest.h>

#include "server/ui/ui_store.h"

namespace jobc::ui {
namespace {

using json = nlohmann::json;

// Runs a..e (a oldest) whose metric "loss" is e: none, d: 4, c: 3, b: NaN, a: 1.
struct FiveRuns : testing::UiStore {
  FiveRuns() : UiStore("seed") {
    const char* names[] = {"alpha", "beta", "gamma", "delta", "epsilon"};
    const double losses[] = {1, NAN, 3, 4, -1};
    for (int i = 0; i < 5; ++i) {
      RunRecord record = run;
      record.id = std::string("exp_") + names[i];
      record.name = names[i];
      record.created_ms = 10000 + i;
      record.status = i == 2 ? RunStatus::Failed : RunStatus::Completed;
      REQUIRE(api->store().insert(record));
      if (i == 4) continue;
      TrackingBatch batch;
      batch.metrics.push_back({"loss", losses[i], 0, 0});
      REQUIRE(api->metrics().record(record.id, batch));
    }
  }
  std::vector<std::string> names(const Query& query) {
    ApiAnswer page = api->runs(query);
    REQUIRE(page.status == 200);
    std::vector<std::string> out;
    for (const json& row : page.body["runs"]) out.push_back(row["name"]);
    return out;
  }
};

}  // namespace

TEST_SUITE("ui") {
  TEST_CASE("the runs page is newest first, paged, with the total of every page") {
    FiveRuns store;
    ApiAnswer page = store.api->runs({{"limit", "2"}, {"offset", "1"}});
    CHECK(page.body["total"] == 6);
    CHECK(store.names({{"limit", "2"}, {"offset", "1"}}) ==
          std::vector<std::string>{"delta", "gamma"});
  }

  TEST_CASE("sorting by a metric puts runs without it, or with NaN, last either way") {
    FiveRuns store;
    auto ascending = store.names({{"sort", "metric:loss"}, {"order", "asc"}});
    REQUIRE(ascending.size() == 6);
    CHECK(std::vector<std::string>(ascending.begin(), ascending.begin() + 3) ==
          std::vector<std::string>{"alpha", "gamma", "delta"});
    auto descending = store.names({{"sort", "metric:loss"}});
    CHECK(std::vector<std::string>(descending.begin(), descending.begin() + 3) ==
          std::vector<std::string>{"delta", "gamma", "alpha"});
  }

  TEST_CASE("the text filter matches any case, the status filter any spelling") {
    FiveRuns store;
    CHECK(store.names({{"q", "ELTA"}}) == std::vector<std::string>{"delta"});
    CHECK(store.names({{"status", "failed"}}) == std::vector<std::string>{"gamma"});
    CHECK(store.api->runs({{"status", "bogus"}}).status == 400);
  }

  TEST_CASE("a sort column is chosen from a list, never spliced into SQL") {
    FiveRuns store;
    CHECK(store.names({{"sort", "name; DROP TABLE runs"}}).size() == 6);  // by creation
    CHECK(store.names({{"sort", "name"}, {"order", "asc"}}).front() == "alpha");
  }
}

}  // namespace jobc::ui
