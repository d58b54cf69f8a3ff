#include "backends/azureml/arm_paths.h"

#include <fmt/format.h>

#include <regex>

namespace jobc::azureml {

std::string named_resource_id(const WorkspaceScope& scope, std::string_view type,
                              std::string_view name) {
  return fmt::format("{}/{}/{}", scope.arm_prefix(), type, name);
}

std::string versioned_resource_id(const WorkspaceScope& scope, std::string_view type,
                                  std::string_view name, std::string_view version) {
  return fmt::format("{}/versions/{}", named_resource_id(scope, type, name), version);
}

std::string level_one_resource_id(const WorkspaceScope& scope, std::string_view type,
                                  std::string_view name) {
  return fmt::format(
      "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.MachineLearningServices/{}/{}",
      scope.subscription, scope.resource_group, type, name);
}

bool is_arm_id(std::string_view text, std::string_view type, bool in_workspace) {
  // The SDK builds these patterns from its id formats with ".*" in every slot and matches
  // them at the start of the text (re.match), so anything may follow.
  std::string kind = type.empty() ? ".*" : std::string(type);
  std::string pattern = in_workspace ? "/subscriptions/.*/resourceGroups/.*/providers/"
                                       "Microsoft.MachineLearningServices/workspaces/.*/" +
                                           kind + "/.*"
                                     : "/subscriptions/.*/resourceGroups/.*/providers/"
                                       "Microsoft.MachineLearningServices/" +
                                           kind + "/.*";
  std::regex regex(pattern, std::regex::icase);
  std::string subject(text);
  return std::regex_search(subject, regex, std::regex_constants::match_continuous);
}

nlohmann::json put_request(const std::string& path, std::string_view api_version,
                           nlohmann::json body) {
  return {{"method", "PUT"},
          {"path", path},
          {"api_version", std::string(api_version)},
          {"body", std::move(body)}};
}

}  // namespace jobc::azureml
