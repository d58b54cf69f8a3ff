// ArmClient::wait_for_operation: follows a long-running operation as azure-mgmt-core's
// ARMPolling does, with the first method that applies: the Azure-AsyncOperation status URL,
// then the Location URL (202 while running), then, for a PUT or PATCH, the resource's own
// properties.provisioningState. The first poll goes at once (jobc's choice; azure-core first
// waits the start reply's Retry-After), then each poll waits the Retry-After of the reply
// before it, else 30 s (azure-core's polling_interval).
#include <optional>

#include "backends/azureml/service/arm_client.h"
#include "backends/azureml/service/arm_error.h"
#include "backends/azureml/service/arm_retry.h"
#include "backends/azureml/service/url_transport.h"
#include "support/text.h"

namespace jobc::azureml {
namespace {

constexpr std::chrono::milliseconds kDefaultPollInterval{30'000};

enum class Polling { AsyncOperation, Location, ProvisioningState };

bool succeeded(const std::string& status) {
  return lower(status) == "succeeded";
}

bool failed(const std::string& status) {
  std::string name = lower(status);
  return name == "failed" || name == "canceled" || name == "cancelled";
}

std::optional<std::string> string_at(const nlohmann::json& body, const char* key) {
  if (!body.is_object()) return std::nullopt;
  auto found = body.find(key);
  if (found == body.end() || !found->is_string()) return std::nullopt;
  return found->get<std::string>();
}

// The resource's provisioningState; when it has none, what its status code means.
std::string provisioning_state(const ArmReply& reply) {
  if (reply.body.is_object() && reply.body.contains("properties")) {
    if (auto state = string_at(reply.body["properties"], "provisioningState")) return *state;
  }
  if (auto state = string_at(reply.body, "provisioningState")) return *state;
  return reply.status == 201 || reply.status == 202 ? "InProgress" : "Succeeded";
}

bool put_like(const std::string& method) {
  std::string name = lower(method);
  return name == "put" || name == "patch";
}

ArmCall get_call(std::string path, std::string api_version, const std::string& what) {
  ArmCall call;
  call.method = "GET";
  call.path = std::move(path);
  call.api_version = std::move(api_version);
  call.what = what;
  return call;
}

}  // namespace

Result<ArmReply> ArmClient::wait_for_operation(
    const ArmCall& call, const ArmReply& started,
    const std::function<void(std::string_view)>& progress) {
  std::string what =
      call.what.empty() ? call.method + " " + url_without_query(call.path) : call.what;
  auto operation_failed = [&](const std::string& status, const nlohmann::json& error) {
    return fail(what + ": the operation ended " + status + ": " +
                arm_error_text(error).value_or("the service gave no reason") + " (" +
                failed_request_text(call.method, call.path, 0) + ")");
  };
  if (started.status != 200 && started.status != 201 && started.status != 202 &&
      started.status != 204) {
    return fail(what + ": status " + std::to_string(started.status) +
                " does not start a long-running operation");
  }
  std::string async_url = started.header("Azure-AsyncOperation");
  std::string location = started.header("Location");
  Polling polling;
  if (!async_url.empty()) {
    polling = Polling::AsyncOperation;
  } else if (!location.empty()) {
    polling = Polling::Location;
  } else if (put_like(call.method)) {
    polling = Polling::ProvisioningState;
    std::string state = provisioning_state(started);
    if (succeeded(state)) return started;
    if (failed(state)) return operation_failed(state, nlohmann::json());
  } else {
    return started;  // nothing to follow: the reply is the outcome
  }
  auto report = [&](const std::string& status) {
    if (progress) progress(status);
  };
  ArmReply last = started;
  for (bool first = true;; first = false) {
    if (!first && !wait(retry_after(last.headers).value_or(kDefaultPollInterval))) {
      return fail(what + ": stopped waiting for the operation to end");
    }
    ArmCall poll = polling == Polling::AsyncOperation ? get_call(async_url, "", what)
                   : polling == Polling::Location     ? get_call(location, "", what)
                                                      : get_call(call.path, call.api_version, what);
    Result<ArmReply> reply = send(poll);
    if (!reply) return reply.error();
    last = std::move(*reply);
    if (polling == Polling::ProvisioningState) {
      std::string state = provisioning_state(last);
      report(state);
      if (succeeded(state)) return last;
      if (failed(state)) return operation_failed(state, nlohmann::json());
      continue;
    }
    if (polling == Polling::Location) {
      if (last.status == 202) {
        report("InProgress");
        if (std::string next = last.header("Location"); !next.empty()) location = next;
        continue;
      }
      report("Succeeded");
      if (!put_like(call.method)) return last;
      return send(get_call(call.path, call.api_version, what));
    }
    std::optional<std::string> status = string_at(last.body, "status");
    if (!status) return fail(what + ": the operation's status reply has no status");
    report(*status);
    if (failed(*status)) {
      return operation_failed(*status, last.body.is_object() && last.body.contains("error")
                                           ? last.body["error"]
                                           : nlohmann::json());
    }
    if (!succeeded(*status)) continue;
    // Done: the resource itself, from where the status says or where it was put.
    if (auto resource = string_at(last.body, "resourceLocation")) {
      return send(get_call(*resource, "", what));
    }
    if (put_like(call.method)) return send(get_call(call.path, call.api_version, what));
    if (!location.empty()) return send(get_call(location, "", what));
    return last;
  }
}

}  // namespace jobc::azureml
