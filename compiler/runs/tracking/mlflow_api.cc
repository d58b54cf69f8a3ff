#include "runs/tracking/mlflow_api.h"

#include <fmt/format.h>
#include "support/secret_token.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <variant>

#include "support/hash.h"

namespace jobc {
namespace {

using json = nlohmann::json;

// MLflow's limits (mlflow/utils/validation.py).
constexpr size_t kMaxKeyLength = 250;
constexpr size_t kMaxParamValueLength = 6000;
constexpr size_t kMaxTagValueLength = 8000;
constexpr size_t kMaxBatchMetrics = 1000;
constexpr size_t kMaxBatchParams = 100;
constexpr size_t kMaxBatchTags = 100;

// A request MLflow would refuse: its error code and HTTP status.
struct Refusal {
  int status;
  std::string code;
  std::string message;
};

ApiReply error_reply(const Refusal& refusal) {
  return {refusal.status, json{{"error_code", refusal.code}, {"message", refusal.message}}.dump()};
}

Refusal invalid(std::string message) {
  return {400, "INVALID_PARAMETER_VALUE", std::move(message)};
}

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// Keys name files in some stores, so MLflow allows only these characters, and no key that
// a path would read as another ("a/../b", "/a").
std::optional<Refusal> check_key(const std::string& what, const std::string& key) {
  if (key.empty()) return invalid(fmt::format("{} key is missing", what));
  if (key.size() > kMaxKeyLength) {
    return invalid(
        fmt::format("{} key of {} characters: at most {}", what, key.size(), kMaxKeyLength));
  }
  for (unsigned char c : key) {
    bool allowed =
        std::isalnum(c) || c == '_' || c == '-' || c == '.' || c == ' ' || c == '/' || c == ':';
    if (!allowed) {
      return invalid(
          fmt::format("invalid {} key {}: keys may contain only letters, digits, underscores (_), "
                      "dashes (-), periods (.), spaces ( ), colons (:) and slashes (/)",
                      what, json(key).dump()));
    }
  }
  if (key.front() == '/' || key == "." || key == ".." || key.starts_with("../") ||
      key.ends_with("/..") || key.find("/../") != std::string::npos ||
      key.find("//") != std::string::npos) {
    return invalid(
        fmt::format("invalid {} key {}: it would name another path", what, json(key).dump()));
  }
  return std::nullopt;
}

// An int64 as protobuf's JSON writes it: a number or a decimal string.
std::optional<int64_t> int64_field(const json& body, const char* name, int64_t fallback) {
  auto found = body.find(name);
  if (found == body.end() || found->is_null()) return fallback;
  if (found->is_number_integer()) return found->get<int64_t>();
  if (found->is_string()) {
    const std::string& text = found->get_ref<const std::string&>();
    char* end = nullptr;
    errno = 0;
    long long value = std::strtoll(text.c_str(), &end, 10);
    if (!text.empty() && *end == '\0' && errno == 0) return value;
  }
  return std::nullopt;
}

// A double as protobuf's JSON writes it: a number, or "NaN", "Infinity", "-Infinity".
std::optional<double> double_field(const json& value) {
  if (value.is_number()) return value.get<double>();
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
    if (text == "Infinity") return std::numeric_limits<double>::infinity();
    if (text == "-Infinity") return -std::numeric_limits<double>::infinity();
  }
  return std::nullopt;
}

std::optional<std::string> string_field(const json& body, const char* name) {
  auto found = body.find(name);
  if (found == body.end() || !found->is_string()) return std::nullopt;
  return found->get<std::string>();
}

std::variant<MetricPoint, Refusal> metric_of(const json& entry, int64_t now) {
  if (!entry.is_object()) return invalid("a metric must be an object");
  MetricPoint point;
  point.key = string_field(entry, "key").value_or("");
  if (auto bad = check_key("metric", point.key)) return *bad;
  auto value = entry.contains("value") ? double_field(entry["value"]) : std::nullopt;
  if (!value) return invalid(fmt::format("metric '{}' has no numeric value", point.key));
  point.value = *value;
  auto timestamp = int64_field(entry, "timestamp", now);
  auto step = int64_field(entry, "step", 0);
  if (!timestamp || !step) {
    return invalid(fmt::format("metric '{}': timestamp and step must be integers", point.key));
  }
  point.timestamp_ms = *timestamp;
  point.step = *step;
  return point;
}

std::variant<std::pair<std::string, std::string>, Refusal> pair_of(const json& entry,
                                                                   const char* what,
                                                                   size_t max_value) {
  if (!entry.is_object()) return invalid(fmt::format("a {} must be an object", what));
  std::string key = string_field(entry, "key").value_or("");
  if (auto bad = check_key(what, key)) return *bad;
  auto found = entry.find("value");
  std::string value;
  if (found != entry.end() && found->is_string()) {
    value = found->get<std::string>();
  } else if (found != entry.end() && !found->is_null()) {
    value = found->dump();  // MLflow's clients send strings; a number is kept as written
  }
  if (value.size() > max_value) {
    return invalid(fmt::format("{} '{}' has a value of {} characters: at most {}", what, key,
                               value.size(), max_value));
  }
  return std::make_pair(key, value);
}

json experiment_json(const std::string& name, const std::string& artifact_location) {
  return {{"experiment_id", MlflowApi::experiment_id(name)},
          {"name", name},
          {"artifact_location", artifact_location},
          {"lifecycle_stage", "active"},
          {"tags", json::array()}};
}

}  // namespace

MlflowApi::MlflowApi(MetricsStore& store, std::string token, std::vector<TrackedRun> runs)
    : store_(store), token_(std::move(token)) {
  for (TrackedRun& run : runs) runs_.push_back({std::move(run)});
}

std::string MlflowApi::experiment_id(const std::string& experiment_name) {
  return sha256_hex(experiment_name).substr(0, 16);
}

MlflowApi::RunState* MlflowApi::find_run(const std::string& run_id) {
  for (RunState& state : runs_) {
    if (state.run.run_id == run_id) return &state;
  }
  return nullptr;
}

ApiReply MlflowApi::handle(const ApiRequest& request) {
  if (!same_secret("Bearer " + token_, request.authorization)) {
    return error_reply({401, "UNAUTHENTICATED",
                        "this tracking endpoint takes only its run's MLFLOW_TRACKING_TOKEN"});
  }
  return route(request);
}

ApiReply MlflowApi::run_reply(RunState& state) {
  auto metrics = store_.latest(state.run.run_id);
  auto params = store_.params(state.run.run_id);
  auto tags = store_.tags(state.run.run_id);
  for (const Error* error : {metrics ? nullptr : &metrics.error(),
                             params ? nullptr : &params.error(), tags ? nullptr : &tags.error()}) {
    if (error) return error_reply({500, "INTERNAL_ERROR", error->message});
  }
  json info = {{"run_id", state.run.run_id},
               {"run_uuid", state.run.run_id},
               {"run_name", state.run.run_name},
               {"experiment_id", experiment_id(state.run.experiment_name)},
               {"user_id", ""},
               {"status", state.status},
               {"start_time", state.run.start_ms},
               {"artifact_uri", state.run.artifact_uri},
               {"lifecycle_stage", "active"}};
  if (state.end_ms) info["end_time"] = state.end_ms;
  json data = {{"metrics", json::array()}, {"params", json::array()}, {"tags", json::array()}};
  for (const MetricPoint& point : *metrics) {
    data["metrics"].push_back({{"key", point.key},
                               {"value", metric_value_json(point.value)},
                               {"timestamp", point.timestamp_ms},
                               {"step", point.step}});
  }
  for (const auto& [key, value] : *params)
    data["params"].push_back({{"key", key}, {"value", value}});
  for (const auto& [key, value] : *tags) data["tags"].push_back({{"key", key}, {"value", value}});
  if (!state.run.run_name.empty() && !tags->contains("mlflow.runName")) {
    data["tags"].push_back({{"key", "mlflow.runName"}, {"value", state.run.run_name}});
  }
  return {200, json{{"run", {{"info", info}, {"data", data}}}}.dump()};
}

ApiReply MlflowApi::route(const ApiRequest& request) {
  json body = json::object();
  if (request.method == "POST") {
    body = json::parse(request.body.empty() ? "{}" : request.body, nullptr, false);
    if (!body.is_object()) return error_reply(invalid("the request body is not a JSON object"));
  } else {
    for (const auto& [name, value] : request.query) body[name] = value;
  }
  const std::string& path = request.path;
  const bool get = request.method == "GET";

  if (path == "experiments/get-by-name" || path == "experiments/get" ||
      path == "experiments/create") {
    const std::string name =
        string_field(body, "experiment_name").value_or(string_field(body, "name").value_or(""));
    const std::string id = string_field(body, "experiment_id").value_or("");
    for (RunState& state : runs_) {
      const std::string& experiment = state.run.experiment_name;
      bool match = path == "experiments/get" ? id == experiment_id(experiment) : name == experiment;
      if (!match) continue;
      if (path == "experiments/create")
        return {200, json{{"experiment_id", experiment_id(experiment)}}.dump()};
      std::string location = state.run.artifact_uri;
      return {200, json{{"experiment", experiment_json(experiment, location)}}.dump()};
    }
    if (path == "experiments/create") {
      return error_reply({403, "PERMISSION_DENIED",
                          fmt::format("this job records into experiment '{}' only",
                                      runs_.empty() ? "" : runs_.front().run.experiment_name)});
    }
    return error_reply({404, "RESOURCE_DOES_NOT_EXIST",
                        fmt::format("no experiment {} here: this job records into experiment '{}'",
                                    json(name.empty() ? id : name).dump(),
                                    runs_.empty() ? "" : runs_.front().run.experiment_name)});
  }
  if (path == "runs/create") {
    return error_reply({403, "PERMISSION_DENIED",
                        "a jobc job records into the run jobc made for it (MLFLOW_RUN_ID); "
                        "start_run() without a run id, or a nested run, is not supported"});
  }

  static const std::map<std::string, std::string> kRunEndpoints = {
      {"runs/get", "GET"},         {"metrics/get-history", "GET"}, {"runs/update", "POST"},
      {"runs/log-metric", "POST"}, {"runs/log-parameter", "POST"}, {"runs/set-tag", "POST"},
      {"runs/log-batch", "POST"}};
  if (auto known = kRunEndpoints.find(path);
      known == kRunEndpoints.end() || known->second != request.method) {
    return error_reply(
        {404, "ENDPOINT_NOT_FOUND",
         fmt::format("{} {} is not part of the tracking API jobc serves", request.method, path)});
  }
  std::string run_id =
      string_field(body, "run_id").value_or(string_field(body, "run_uuid").value_or(""));
  RunState* state = find_run(run_id);
  if (!state) {
    return error_reply(
        {404, "RESOURCE_DOES_NOT_EXIST",
         fmt::format("run {} is not one this job may write into", json(run_id).dump())});
  }
  const int64_t now = now_ms();
  if (path == "runs/get" && get) return run_reply(*state);
  if (path == "runs/update" && !get) {
    if (auto status = string_field(body, "status")) {
      static const std::vector<std::string> known = {"RUNNING", "SCHEDULED", "FINISHED", "FAILED",
                                                     "KILLED"};
      if (std::find(known.begin(), known.end(), *status) == known.end()) {
        return error_reply(invalid(fmt::format("unknown run status {}", json(*status).dump())));
      }
      state->status = *status;
    }
    auto end = int64_field(body, "end_time", 0);
    if (!end) return error_reply(invalid("end_time must be an integer"));
    state->end_ms = *end;
    if (auto name = string_field(body, "run_name"); name && !name->empty())
      state->run.run_name = *name;
    json reply = json::parse(run_reply(*state).body, nullptr, false);
    return {200, json{{"run_info", reply["run"]["info"]}}.dump()};
  }
  if (path == "metrics/get-history" && get) {
    std::string key = string_field(body, "metric_key").value_or("");
    if (auto bad = check_key("metric", key)) return error_reply(*bad);
    json metrics = json::array();
    Status read = store_.history(run_id, key, [&](const MetricPoint& point) {
      metrics.push_back({{"key", point.key},
                         {"value", metric_value_json(point.value)},
                         {"timestamp", point.timestamp_ms},
                         {"step", point.step}});
      return true;
    });
    if (!read) return error_reply({500, "INTERNAL_ERROR", read.error().message});
    return {200, json{{"metrics", metrics}}.dump()};
  }

  TrackingBatch batch;
  if (path == "runs/log-metric" && !get) {
    auto point = metric_of(body, now);
    if (auto* refused = std::get_if<Refusal>(&point)) return error_reply(*refused);
    batch.metrics.push_back(std::get<MetricPoint>(point));
  } else if ((path == "runs/log-parameter" || path == "runs/set-tag") && !get) {
    bool param = path == "runs/log-parameter";
    auto entry =
        pair_of(body, param ? "param" : "tag", param ? kMaxParamValueLength : kMaxTagValueLength);
    if (auto* refused = std::get_if<Refusal>(&entry)) return error_reply(*refused);
    (param ? batch.params : batch.tags).push_back(std::get<0>(entry));
  } else if (path == "runs/log-batch" && !get) {
    auto list = [&](const char* name) {
      auto found = body.find(name);
      return found != body.end() && found->is_array() ? *found : json::array();
    };
    json metrics = list("metrics"), params = list("params"), tags = list("tags");
    if (metrics.size() > kMaxBatchMetrics || params.size() > kMaxBatchParams ||
        tags.size() > kMaxBatchTags || metrics.size() + params.size() + tags.size() > 1000) {
      return error_reply(invalid(fmt::format(
          "a batch of {} metrics, {} params and {} tags: at most {}, {} and {}, 1000 in all",
          metrics.size(), params.size(), tags.size(), kMaxBatchMetrics, kMaxBatchParams,
          kMaxBatchTags)));
    }
    for (const json& entry : metrics) {
      auto point = metric_of(entry, now);
      if (auto* refused = std::get_if<Refusal>(&point)) return error_reply(*refused);
      batch.metrics.push_back(std::get<MetricPoint>(point));
    }
    for (const json& entry : params) {
      auto pair = pair_of(entry, "param", kMaxParamValueLength);
      if (auto* refused = std::get_if<Refusal>(&pair)) return error_reply(*refused);
      batch.params.push_back(std::get<0>(pair));
    }
    for (const json& entry : tags) {
      auto pair = pair_of(entry, "tag", kMaxTagValueLength);
      if (auto* refused = std::get_if<Refusal>(&pair)) return error_reply(*refused);
      batch.tags.push_back(std::get<0>(pair));
    }
  } else {
    return error_reply(
        {404, "ENDPOINT_NOT_FOUND",
         fmt::format("{} {} is not part of the tracking API jobc serves", request.method, path)});
  }
  if (!batch.params.empty()) {
    // MLflow refuses a parameter logged again with another value; the store checks it too,
    // inside its transaction, for writers that race.
    auto logged = store_.params(run_id);
    if (!logged) return error_reply({500, "INTERNAL_ERROR", logged.error().message});
    for (const auto& [key, value] : batch.params) {
      auto before = logged->find(key);
      if (before != logged->end() && before->second != value) {
        return error_reply(invalid(fmt::format(
            "parameter '{}' was logged already with value {}, not {}: parameters cannot "
            "change within a run",
            key, json(before->second).dump(), json(value).dump())));
      }
    }
  }
  if (Status recorded = store_.record(run_id, batch); !recorded) {
    return error_reply({500, "INTERNAL_ERROR", recorded.error().message});
  }
  return {200, "{}"};
}

}  // namespace jobc
