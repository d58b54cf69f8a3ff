// MLflow's tracking API as jobc serves it to a job: the requests MLflow's REST store sends for
// start_run (resumed by MLFLOW_RUN_ID), log_metric(s), log_param(s), set_tag(s), end_run and
// get_metric_history, with MLflow's error codes for what it refuses.
#include "runs/tracking/mlflow_api.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "common/temp_dir.h"

using json = nlohmann::json;

namespace {

struct Api {
  jobc::testing::TempDir dir;
  std::unique_ptr<jobc::MetricsStore> store;
  std::unique_ptr<jobc::MlflowApi> api;
  Api() {
    auto opened = jobc::MetricsStore::open(dir.path);
    REQUIRE(opened.ok());
    store = std::move(*opened);
    api = std::make_unique<jobc::MlflowApi>(
        *store, "s3cret",
        std::vector<jobc::TrackedRun>{{"run1", "bright_owl", "mnist", "file:///out", 1000}});
  }
  jobc::ApiReply post(const std::string& path, json body, std::string token = "s3cret") {
    return api->handle({"POST", path, {}, body.dump(), "Bearer " + token});
  }
  jobc::ApiReply get(const std::string& path, std::map<std::string, std::string> query) {
    return api->handle({"GET", path, std::move(query), "", "Bearer s3cret"});
  }
};

json body_of(const jobc::ApiReply& reply) {
  return json::parse(reply.body);
}

}  // namespace

TEST_SUITE("tracking") {
  TEST_CASE("a resumed run: get, update, log a metric, a batch, a param and a tag, end") {
    Api api;
    auto run = api.get("runs/get", {{"run_id", "run1"}});
    REQUIRE(run.status == 200);
    json info = body_of(run)["run"]["info"];
    CHECK(info["run_id"] == "run1");
    CHECK(info["status"] == "RUNNING");
    CHECK(info["artifact_uri"] == "file:///out");
    CHECK(info["experiment_id"] == jobc::MlflowApi::experiment_id("mnist"));
    CHECK(api.post("runs/update", {{"run_id", "run1"}, {"status", "RUNNING"}}).status == 200);
    CHECK(
        api.post(
               "runs/log-metric",
               {{"run_id", "run1"}, {"key", "loss"}, {"value", 0.5}, {"timestamp", 5}, {"step", 0}})
            .status == 200);
    // int64 fields as protobuf's JSON writes them (strings), and NaN as a string.
    CHECK(api.post("runs/log-batch",
                   {{"run_id", "run1"},
                    {"metrics",
                     {{{"key", "loss"}, {"value", 0.25}, {"timestamp", "7"}, {"step", "1"}},
                      {{"key", "acc"}, {"value", "NaN"}, {"timestamp", 7}, {"step", 1}}}},
                    {"params", {{{"key", "lr"}, {"value", "0.01"}}}},
                    {"tags", {{{"key", "model"}, {"value", "cnn"}}}}})
              .status == 200);
    CHECK(api.post("runs/log-parameter", {{"run_id", "run1"}, {"key", "epochs"}, {"value", "3"}})
              .status == 200);
    CHECK(
        api.post("runs/set-tag", {{"run_id", "run1"}, {"key", "stage"}, {"value", "dev"}}).status ==
        200);
    CHECK(api.post("runs/update", {{"run_id", "run1"}, {"status", "FINISHED"}, {"end_time", 99}})
              .status == 200);
    json data = body_of(api.get("runs/get", {{"run_id", "run1"}}))["run"];
    CHECK(data["info"]["status"] == "FINISHED");
    CHECK(data["info"]["end_time"] == 99);
    CHECK(data["data"]["metrics"] ==
          json::parse(R"([{"key":"acc","value":"NaN","timestamp":7,"step":1},
                          {"key":"loss","value":0.25,"timestamp":7,"step":1}])"));
    CHECK(data["data"]["params"] ==
          json::parse(R"([{"key":"epochs","value":"3"},{"key":"lr","value":"0.01"}])"));
    auto history = api.get("metrics/get-history", {{"run_id", "run1"}, {"metric_key", "loss"}});
    REQUIRE(history.status == 200);
    CHECK(body_of(history)["metrics"].size() == 2);
  }

  TEST_CASE("the experiment is found by name and by id; others are not there") {
    Api api;
    auto by_name = api.get("experiments/get-by-name", {{"experiment_name", "mnist"}});
    REQUIRE(by_name.status == 200);
    std::string id = body_of(by_name)["experiment"]["experiment_id"];
    CHECK(api.get("experiments/get", {{"experiment_id", id}}).status == 200);
    auto other = api.get("experiments/get-by-name", {{"experiment_name", "other"}});
    CHECK(other.status == 404);
    CHECK(body_of(other)["error_code"] == "RESOURCE_DOES_NOT_EXIST");
    CHECK(api.post("experiments/create", {{"name", "other"}}).status == 403);
  }

  TEST_CASE("a request without the run's token is refused before anything is read") {
    Api api;
    auto refused =
        api.post("runs/log-metric", {{"run_id", "run1"}, {"key", "loss"}, {"value", 1}}, "wrong");
    CHECK(refused.status == 401);
    CHECK(body_of(refused)["error_code"] == "UNAUTHENTICATED");
    CHECK(refused.body.find("s3cret") == std::string::npos);
    CHECK(api.api->handle({"GET", "runs/get", {{"run_id", "run1"}}, "", ""}).status == 401);
    CHECK(api.store->latest("run1")->empty());
  }

  TEST_CASE("another run, a new run, unknown endpoints and bad bodies get MLflow's errors") {
    Api api;
    auto other = api.post("runs/log-metric", {{"run_id", "run2"}, {"key", "x"}, {"value", 1}});
    CHECK(other.status == 404);
    CHECK(body_of(other)["error_code"] == "RESOURCE_DOES_NOT_EXIST");
    CHECK(api.post("runs/create", {{"experiment_id", "1"}}).status == 403);
    auto unknown = api.post("registered-models/create", {{"name", "m"}});
    CHECK(unknown.status == 404);
    CHECK(body_of(unknown)["error_code"] == "ENDPOINT_NOT_FOUND");
    auto bad = api.api->handle({"POST", "runs/log-metric", {}, "not json", "Bearer s3cret"});
    CHECK(bad.status == 400);
    CHECK(body_of(bad)["error_code"] == "INVALID_PARAMETER_VALUE");
    auto no_value = api.post("runs/log-metric", {{"run_id", "run1"}, {"key", "x"}});
    CHECK(no_value.status == 400);
  }

  TEST_CASE("hostile keys, sizes and changed parameters are refused with MLflow's limits") {
    Api api;
    for (const std::string& key : std::vector<std::string>{"../x", "/abs", "a/../b", "a;b",
                                                           "<script>", std::string(251, 'k')}) {
      CAPTURE(key);
      auto refused = api.post("runs/log-metric", {{"run_id", "run1"}, {"key", key}, {"value", 1}});
      CHECK(refused.status == 400);
    }
    CHECK(
        api.post("runs/log-metric", {{"run_id", "run1"}, {"key", "val/loss: top-1"}, {"value", 1}})
            .status == 200);
    auto long_param =
        api.post("runs/log-parameter",
                 {{"run_id", "run1"}, {"key", "p"}, {"value", std::string(6001, 'v')}});
    CHECK(long_param.status == 400);
    json many = json::array();
    for (int i = 0; i < 1001; ++i) many.push_back({{"key", "m"}, {"value", i}, {"step", i}});
    CHECK(api.post("runs/log-batch", {{"run_id", "run1"}, {"metrics", many}}).status == 400);
    REQUIRE(api.post("runs/log-parameter", {{"run_id", "run1"}, {"key", "lr"}, {"value", "1"}})
                .status == 200);
    auto changed =
        api.post("runs/log-parameter", {{"run_id", "run1"}, {"key", "lr"}, {"value", "2"}});
    CHECK(changed.status == 400);
    CHECK(body_of(changed)["message"].get<std::string>().find("cannot change") !=
          std::string::npos);
  }
}
