// Bringing an ended Azure ML job's files back, as the SDK's jobs.download(all=True) does:
// the artifacts under ExperimentRun/dcid.NAME/ in the workspace's artifact store, and each
// named output from the datastore path run history resolves it to.
#include <map>
#include <system_error>

#include "backends/azureml/service/datastore.h"
#include "backends/azureml/service/download_paths.h"
#include "backends/azureml/service/job_watch.h"
#include "backends/azureml/service/run_history.h"
#include "backends/azureml/service/service_call.h"

namespace jobc::azureml {
namespace {

namespace fs = std::filesystem;

// The datastores a download reads, each opened (GET + listSecrets) once.
class Datastores {
 public:
  Datastores(ArmClient& arm, std::shared_ptr<HttpTransport> transport, std::string workspace)
      : arm_(arm), transport_(std::move(transport)), workspace_(std::move(workspace)) {}

  Result<std::pair<BlobClient*, std::string>> open(const std::string& name) {
    auto found = clients_.find(name);
    if (found == clients_.end()) {
      auto datastore = open_datastore(arm_, workspace_, name);
      if (!datastore) return datastore.error();
      found =
          clients_
              .emplace(name, Opened{std::make_unique<BlobClient>(transport_, datastore->account),
                                    datastore->container})
              .first;
    }
    return std::pair<BlobClient*, std::string>{found->second.client.get(), found->second.container};
  }

 private:
  struct Opened {
    std::unique_ptr<BlobClient> client;
    std::string container;
  };
  ArmClient& arm_;
  std::shared_ptr<HttpTransport> transport_;
  std::string workspace_;
  std::map<std::string, Opened> clients_;
};

// Downloads every blob named `prefix`… into destination/<the rest of its name>; folder
// markers (hdi_isfolder) become folders. `prefix` ends with '/'. Names that would leave
// `destination` are refused (added to `refused`), the others downloaded. The number of
// blobs found, or the first error.
Result<size_t> download_prefix(BlobClient& client, const std::string& container,
                               const std::string& prefix, const fs::path& destination,
                               std::vector<std::string>& refused) {
  auto blobs = client.list(container, prefix);
  if (!blobs) return blobs.error();
  for (const auto& blob : *blobs) {
    if (blob.name.size() <= prefix.size()) continue;  // the prefix's own folder marker
    auto relative = local_path_for_blob(std::string_view(blob.name).substr(prefix.size()));
    if (!relative) {
      refused.push_back(relative.error().message);
      continue;
    }
    fs::path target = destination / *relative;
    std::error_code error;
    fs::create_directories(blob.is_folder ? target : target.parent_path(), error);
    if (error)
      return fail("cannot create " + target.parent_path().string() + ": " + error.message());
    if (blob.is_folder) continue;
    auto downloaded = client.download(container, blob.name, target);
    if (!downloaded)
      return fail("cannot download " + blob.name + ": " + downloaded.error().message);
  }
  return blobs->size();
}

// "azureml://subscriptions/…/datastores/NAME/paths/PATH" or "azureml://datastores/NAME/paths/PATH":
// {NAME, PATH/}; nullopt for any other form.
std::optional<std::pair<std::string, std::string>> datastore_path(std::string_view uri) {
  if (uri.substr(0, 10) != "azureml://") return std::nullopt;
  size_t at = uri.find("datastores/");
  if (at == std::string_view::npos || (at != 10 && uri[at - 1] != '/')) return std::nullopt;
  at += 11;
  size_t slash = uri.find('/', at);
  if (slash == std::string_view::npos || uri.substr(slash, 7) != "/paths/") return std::nullopt;
  std::string path(uri.substr(slash + 7));
  if (!path.empty() && path.back() != '/') path += '/';
  return std::pair{std::string(uri.substr(at, slash - at)), path};
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += (text.empty() ? "" : "; ") + line;
  return text;
}

// Named outputs the job declares, from its resource (GET jobs/NAME), without "default".
Result<std::vector<std::string>> declared_outputs(ArmClient& arm, const JobAddress& job) {
  auto got = arm.send(service_call("GET", job.workspace_path + "/jobs/" + job.job_name,
                                   "2022-10-01-preview", "get job " + job.job_name));
  if (!got) return got.error();
  std::vector<std::string> names;
  const nlohmann::json& body = got->body;
  if (!body.is_object() || !body.contains("properties") || !body["properties"].is_object()) {
    return names;
  }
  auto outputs = body["properties"].find("outputs");
  if (outputs == body["properties"].end() || !outputs->is_object()) return names;
  for (const auto& [name, spec] : outputs->items()) {
    // An output with its own uri was written where the job said, not to a default path.
    bool has_uri = spec.is_object() && spec.contains("uri") && spec["uri"].is_string();
    if (name != "default" && !has_uri) names.push_back(name);
  }
  return names;
}

}  // namespace

Status download_job_files(ArmClient& arm, std::shared_ptr<HttpTransport> transport,
                          const JobAddress& job, const std::filesystem::path& destination) {
  Datastores datastores(arm, transport, job.workspace_path);
  std::vector<std::string> refused;
  std::vector<std::string> errors;

  // The artifacts. The SDK lists prefix "ExperimentRun/dcid.NAME" without the trailing '/',
  // which also takes the files of any job whose name starts with NAME (dcid.NAMEx/...); the
  // '/' keeps to this job's own.
  auto artifacts = datastores.open("workspaceartifactstore");
  if (!artifacts) return artifacts.error();
  auto listed = download_prefix(*artifacts->first, artifacts->second,
                                "ExperimentRun/dcid." + job.job_name + "/", destination, refused);
  if (!listed) errors.push_back(listed.error().message);

  // Named outputs: where run history says they are, else the default datastore's paths the
  // SDK probes (azureml/JOB/OUT/, then dataset/JOB/OUT/).
  auto api = discover_history_api(arm, job.workspace_path);
  auto uris = api ? get_named_output_uris(arm, *api, job.workspace_path, job.job_name)
                  : Result<std::vector<std::pair<std::string, std::string>>>(api.error());
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> wanted;
  if (!uris) {
    errors.push_back("named outputs: " + uris.error().message);
  } else {
    for (const auto& [output, uri] : *uris) {
      auto where = datastore_path(uri);
      if (where)
        wanted.push_back({output, {*where}});
      else
        errors.push_back("named output " + output + ": cannot read its location " + uri);
    }
  }
  auto declared = declared_outputs(arm, job);
  if (!declared) errors.push_back("named outputs: " + declared.error().message);
  for (const auto& output : declared ? *declared : std::vector<std::string>{}) {
    bool resolved = false;
    for (const auto& entry : wanted) resolved = resolved || entry.first == output;
    if (resolved) continue;
    const std::string prefix = "/" + job.job_name + "/" + output + "/";
    wanted.push_back(
        {output,
         {{"workspaceblobstore", "azureml" + prefix}, {"workspaceblobstore", "dataset" + prefix}}});
  }
  for (const auto& [output, places] : wanted) {
    auto folder = local_path_for_blob(output);
    if (!folder || folder->has_parent_path()) {
      refused.push_back("refused named output '" + output + "': not a plain folder name");
      continue;
    }
    for (const auto& [store, path] : places) {
      auto opened = datastores.open(store);
      if (!opened) {
        errors.push_back("named output " + output + ": " + opened.error().message);
        break;
      }
      auto found = download_prefix(*opened->first, opened->second, path,
                                   destination / "named-outputs" / *folder, refused);
      if (!found) errors.push_back("named output " + output + ": " + found.error().message);
      if (!found || *found > 0) break;
    }
  }
  if (!refused.empty()) {
    errors.push_back(std::to_string(refused.size()) +
                     " file(s) not downloaded, their names would leave " + destination.string() +
                     ": " + joined(refused));
  }
  if (!errors.empty()) return fail("downloading job " + job.job_name + ": " + joined(errors));
  return {};
}

}  // namespace jobc::azureml
