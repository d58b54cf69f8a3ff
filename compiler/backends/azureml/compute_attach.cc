#include "backends/azureml/compute_attach.h"

#include <fmt/format.h>

#include "backends/azureml/arm_paths.h"

namespace jobc::azureml {
namespace {

std::string lower_text(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string shown(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

void add_differences(const nlohmann::json& wanted, const nlohmann::json& existing,
                     const std::string& prefix, std::vector<std::string>& out) {
  for (const auto& [key, value] : wanted.items()) {
    std::string name = prefix.empty() ? key : prefix + "." + key;
    const nlohmann::json there =
        existing.is_object() && existing.contains(key) ? existing.at(key) : nlohmann::json();
    if (value.is_object()) {
      add_differences(value, there, name, out);
      continue;
    }
    bool same = value.is_string() && there.is_string()
                    ? lower_text(value.get<std::string>()) == lower_text(there.get<std::string>())
                    : value == there;
    if (same || (value.is_null() && there.is_null())) continue;
    out.push_back(fmt::format("{}: {} in the spec, {} in the workspace", name, shown(value),
                              there.is_null() ? "unset" : shown(there)));
  }
}

}  // namespace

Result<nlohmann::json> with_location(ArmClient& arm, const std::string& workspace_path,
                                     nlohmann::json body) {
  std::string location = body.value("location", "");
  if (!location.empty() && location.find('{') == std::string::npos) return body;
  Result<ArmReply> workspace = arm.send({"GET", workspace_path, std::string(kComputesApiVersion),
                                         std::nullopt, true, "read the workspace's location"});
  if (!workspace) return workspace.error();
  body["location"] = workspace->body.value("location", "");
  return body;
}

bool is_not_found(const Error& error) {
  return error.message.find(": 404)") != std::string::npos;
}

std::vector<std::string> compute_differences(const nlohmann::json& wanted,
                                             const nlohmann::json& existing) {
  std::vector<std::string> out;
  if (wanted.is_object()) add_differences(wanted, existing, "", out);
  return out;
}

Result<std::string> create_or_attach_compute(ArmClient& arm, const std::string& workspace_path,
                                             const ComputeWanted& wanted, std::ostream& progress) {
  std::string path = workspace_path + "/computes/" + wanted.name;
  std::string api(kComputesApiVersion);
  Result<ArmReply> found =
      arm.send({"GET", path, api, std::nullopt, true, "look up compute " + wanted.name});
  if (found) {
    const nlohmann::json& properties = found->body.value("properties", nlohmann::json::object());
    std::string state = properties.value("provisioningState", "");
    if (state == "Failed" || state == "Deleting") {
      return fail(fmt::format("compute '{}' is {} in the workspace; delete it and create it again",
                              wanted.name, lower_text(state)));
    }
    if (wanted.create_request.is_object()) {
      const nlohmann::json& spec_properties =
          wanted.create_request["body"]["properties"].value("properties", nlohmann::json());
      std::vector<std::string> differences =
          compute_differences(spec_properties, properties.value("properties", nlohmann::json()));
      if (!differences.empty()) {
        progress << fmt::format(
            "warning: compute '{}' exists and differs from its spec; jobc uses it as it is "
            "(jobc create updates it):\n",
            wanted.name);
        for (const std::string& difference : differences) progress << "  " << difference << "\n";
      }
    }
    return found->body.value("id", path);
  }
  if (!is_not_found(found.error())) return found.error();
  if (!wanted.create_request.is_object()) {
    return fail(fmt::format(
        "compute '{}' does not exist in workspace {}; create it with `jobc create CLUSTER.yml` "
        "(a compute spec of type amlcompute), or submit with --compute CLUSTER.yml to create it "
        "on the way",
        wanted.name, workspace_path.substr(workspace_path.rfind('/') + 1)));
  }
  Result<nlohmann::json> body =
      with_location(arm, workspace_path, wanted.create_request.value("body", nlohmann::json()));
  if (!body) return body.error();
  ArmCall put{"PUT", path, api, *body, true, "create compute " + wanted.name};
  progress << fmt::format("jobc: creating compute '{}'\n", wanted.name);
  Result<ArmReply> started = arm.send(put);
  if (!started) return started.error();
  Result<ArmReply> done = arm.wait_for_operation(put, *started, [&](std::string_view status) {
    progress << fmt::format("jobc: compute '{}': {}\n", wanted.name, status);
  });
  if (!done) return done.error();
  return path;
}

}  // namespace jobc::azureml
