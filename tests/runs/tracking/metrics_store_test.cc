// The metrics store: batches recorded whole or not at all, the latest point of each metric,
// series read back in step order, parameters that cannot change, NaN kept.
#include "runs/tracking/metrics_store.h"

#include <doctest/doctest.h>

#include <cmath>

#include "common/temp_dir.h"

namespace {

std::unique_ptr<jobc::MetricsStore> open_store(const jobc::testing::TempDir& dir) {
  auto store = jobc::MetricsStore::open(dir.path);
  REQUIRE_MESSAGE(store.ok(), store.error().message);
  return std::move(*store);
}

std::vector<jobc::MetricPoint> history(jobc::MetricsStore& store, const std::string& run,
                                       const std::string& key) {
  std::vector<jobc::MetricPoint> points;
  jobc::Status read = store.history(run, key, [&](const jobc::MetricPoint& point) {
    points.push_back(point);
    return true;
  });
  REQUIRE_MESSAGE(read.ok(), read.error().message);
  return points;
}

}  // namespace

TEST_SUITE("tracking") {
  TEST_CASE("a metric's series comes back by step, and its latest point is the highest step") {
    jobc::testing::TempDir dir;
    auto store = open_store(dir);
    jobc::TrackingBatch batch;
    batch.metrics = {
        {"loss", 0.5, 1000, 2}, {"loss", 0.9, 900, 0}, {"loss", 0.7, 950, 1}, {"acc", 0.1, 900, 0}};
    REQUIRE(store->record("r1", batch).ok());
    // A point logged late for an earlier step does not become the latest.
    jobc::TrackingBatch late;
    late.metrics = {{"loss", 0.8, 2000, 1}};
    REQUIRE(store->record("r1", late).ok());
    auto loss = history(*store, "r1", "loss");
    REQUIRE(loss.size() == 4);
    CHECK(loss[0].step == 0);
    CHECK(loss[1].value == 0.7);
    CHECK(loss[2].value == 0.8);
    CHECK(loss[3].step == 2);
    auto latest = store->latest("r1");
    REQUIRE(latest.ok());
    REQUIRE(latest->size() == 2);
    CHECK((*latest)[0] == jobc::MetricPoint{"acc", 0.1, 900, 0});
    CHECK((*latest)[1] == jobc::MetricPoint{"loss", 0.5, 1000, 2});
    CHECK(history(*store, "r2", "loss").empty());  // another run's series is its own
  }

  TEST_CASE("of points at the same step and time, the one logged last is the latest") {
    jobc::testing::TempDir dir;
    auto store = open_store(dir);
    jobc::TrackingBatch batch;
    batch.metrics = {
        {"loss", 0.3, 500, 4}, {"acc", 0.6, 500, 4}, {"loss", 0.2, 500, 4}, {"loss", 0.9, 400, 4}};
    REQUIRE(store->record("r1", batch).ok());
    auto latest = store->latest("r1");
    REQUIRE(latest.ok());
    REQUIRE(latest->size() == 2);
    CHECK((*latest)[1] == jobc::MetricPoint{"loss", 0.2, 500, 4});
    jobc::TrackingBatch again;
    again.metrics = {{"loss", 0.1, 500, 4}};
    REQUIRE(store->record("r1", again).ok());
    CHECK(store->latest("r1")->at(1) == jobc::MetricPoint{"loss", 0.1, 500, 4});
  }

  TEST_CASE("NaN and infinities are kept") {
    jobc::testing::TempDir dir;
    auto store = open_store(dir);
    jobc::TrackingBatch batch;
    batch.metrics = {{"x", std::nan(""), 1, 0}, {"x", INFINITY, 2, 1}};
    REQUIRE(store->record("r", batch).ok());
    auto points = history(*store, "r", "x");
    REQUIRE(points.size() == 2);
    CHECK(std::isnan(points[0].value));
    CHECK(std::isinf(points[1].value));
  }

  TEST_CASE("a parameter logged again with another value is refused and the batch not kept") {
    jobc::testing::TempDir dir;
    auto store = open_store(dir);
    jobc::TrackingBatch first;
    first.params = {{"lr", "0.1"}};
    first.tags = {{"team", "a"}};
    REQUIRE(store->record("r", first).ok());
    jobc::TrackingBatch same;
    same.params = {{"lr", "0.1"}};
    CHECK(store->record("r", same).ok());  // the same value again is fine
    jobc::TrackingBatch changed;
    changed.metrics = {{"loss", 1, 1, 0}};
    changed.params = {{"lr", "0.2"}};
    jobc::Status refused = store->record("r", changed);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message.find("parameter 'lr' was logged already") == 0);
    CHECK(history(*store, "r", "loss").empty());  // nothing of the refused batch
    jobc::TrackingBatch retag;
    retag.tags = {{"team", "b"}};
    REQUIRE(store->record("r", retag).ok());  // tags can change
    CHECK(store->tags("r")->at("team") == "b");
    CHECK(store->params("r")->at("lr") == "0.1");
  }

  TEST_CASE("removing a run forgets its metrics, parameters and tags only") {
    jobc::testing::TempDir dir;
    auto store = open_store(dir);
    jobc::TrackingBatch batch;
    batch.metrics = {{"loss", 1, 1, 0}};
    batch.params = {{"lr", "0.1"}};
    REQUIRE(store->record("a", batch).ok());
    REQUIRE(store->record("b", batch).ok());
    REQUIRE(store->remove("a").ok());
    CHECK(store->latest("a")->empty());
    CHECK(store->params("a")->empty());
    CHECK(store->latest("b")->size() == 1);
  }
}
