#include "backends/azureml/service/job_watch.h"

#include "backends/azureml/service/log_selection.h"
#include "backends/azureml/service/run_history.h"
#include "backends/azureml/storage/blob_client.h"

namespace jobc::azureml {
namespace {

std::string text_at(const nlohmann::json& object, const char* key) {
  auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : "";
}

// RunDetails.error is {"error": {"code", "message", ...}}: "(code) message", as the SDK and
// ARM errors show it.
std::string error_of(const nlohmann::json& details) {
  auto outer = details.find("error");
  if (outer == details.end() || !outer->is_object()) return "";
  const nlohmann::json& error =
      outer->contains("error") && (*outer)["error"].is_object() ? (*outer)["error"] : *outer;
  std::string code = text_at(error, "code");
  std::string message = text_at(error, "message");
  if (code.empty()) return message;
  return "(" + code + ") " + message;
}

std::vector<std::string> warnings_of(const nlohmann::json& details) {
  std::vector<std::string> warnings;
  auto list = details.find("warnings");
  if (list == details.end() || !list->is_array()) return warnings;
  for (const auto& warning : *list) {
    std::string message = warning.is_object() ? text_at(warning, "message") : "";
    if (!message.empty()) warnings.push_back(message);
  }
  return warnings;
}

// The SDK's header before a file's first output (_job_ops_helper.py: _incremental_print).
std::string streaming_header(const std::string& name) {
  return "\nStreaming " + name + "\n" + std::string(name.size() + 10, '=') + "\n\n";
}

}  // namespace

JobWatch::JobWatch(ArmClient& arm, std::shared_ptr<HttpTransport> transport, JobAddress job)
    : arm_(arm), transport_(std::move(transport)), job_(std::move(job)) {}

Result<JobDetails> JobWatch::look(std::ostream& log) {
  if (history_api_.empty()) {
    auto api = discover_history_api(arm_, job_.workspace_path);
    if (!api) return api.error();
    history_api_ = *api;
  }
  auto raw = get_run_details(arm_, history_api_, job_.workspace_path, job_.job_name);
  if (!raw) return raw.error();
  JobDetails details;
  details.raw = std::move(*raw);
  details.status = text_at(details.raw, "status");
  details.error = error_of(details.raw);
  details.warnings = warnings_of(details.raw);

  auto files = details.raw.find("logFiles");
  if (files == details.raw.end() || !files->is_object()) return details;
  std::vector<std::string> names;
  for (const auto& [name, url] : files->items()) {
    if (url.is_string()) names.push_back(name);
  }
  for (const auto& name : select_logs(names, job_.job_type)) {
    const std::string url = (*files)[name].get<std::string>();
    uint64_t& offset = offsets_[name];
    // Only what the file gained since the last look (Range: bytes=offset-).
    auto read = read_sas_url_from(*transport_, url, offset);
    if (!read) {
      // The URL is a SAS: never in a message. The next look reads from the same offset.
      details.log_errors.push_back(name + ": " + read.error().message);
      continue;
    }
    if (read->data.empty()) continue;
    if (offset == 0) log << streaming_header(name);
    log << read->data;
    log.flush();
    offset += read->data.size();
  }
  return details;
}

nlohmann::json JobWatch::offsets() const {
  nlohmann::json saved = nlohmann::json::object();
  for (const auto& [name, offset] : offsets_) saved[name] = offset;
  return saved;
}

void JobWatch::restore_offsets(const nlohmann::json& offsets) {
  if (!offsets.is_object()) return;
  for (const auto& [name, offset] : offsets.items()) {
    if (offset.is_number_unsigned()) offsets_[name] = offset.get<uint64_t>();
  }
}

}  // namespace jobc::azureml
