#include "backends/azureml/service/log_selection.h"

#include <algorithm>
#include <cctype>
#include <regex>

namespace jobc::azureml {
namespace {

// Python's re.match: anchored at the start only, so "user_logs/std_log.txt.1" matches too.
std::vector<std::string> matching(const std::vector<std::string>& names,
                                  const std::regex& pattern) {
  std::vector<std::string> found;
  for (const auto& name : names) {
    if (std::regex_search(name, pattern, std::regex_constants::match_continuous)) {
      found.push_back(name);
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}

std::string lowercase(std::string_view text) {
  std::string lower(text);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

}  // namespace

std::vector<std::string> select_logs(const std::vector<std::string>& names,
                                     std::string_view job_type) {
  // ml/constants/_job/job.py: JobLogPattern.
  static const std::regex rank_zero(R"(user_logs/std_log[\D]*[0]*(?:_ps)?\.txt)");
  static const std::regex command(R"(azureml-logs/\d{2}.+\.txt)");
  static const std::regex sweep(R"(azureml-logs/hyperdrive\.txt)");
  static const std::regex pipeline(R"(logs/azureml/executionlogs\.txt)");
  auto found = matching(names, rank_zero);
  if (!found.empty()) return found;
  std::string type = lowercase(job_type);
  if (type == "sweep") return matching(names, sweep);
  if (type == "pipeline") return matching(names, pipeline);
  if (type == "command" || type.empty()) return matching(names, command);
  return {};  // as the SDK: other job types have no fallback log
}

}  // namespace jobc::azureml
