#include "runs/run_inputs.h"

#include <fmt/format.h>

#include <cctype>

#include "codegen/launch_script.h"
#include "support/char_scan.h"
#include "support/read_only_mounts.h"
#include "support/text.h"
#include "support/url_download.h"

namespace jobc {
namespace {

namespace fs = std::filesystem;

// An input that names data by a path or URL (literal inputs carry a value instead).
struct PathInput {
  std::string name;
  std::string path;
  std::string type;  // Azure ML's default is uri_folder
  std::string mode;  // "" when not given
  Location at;       // of its path
};

std::vector<PathInput> path_inputs(const model::JobCommon& job) {
  std::vector<PathInput> found;
  for (const model::Input& input : job.inputs) {
    if (input.form != model::Input::Form::Data || !input.path) continue;
    found.push_back(
        {input.name, *input.path, input.type.value_or(""), input.mode.value_or(""), input.path.at});
  }
  return found;
}

bool is_https(const std::string& path) {
  size_t scheme = url_scheme_length(path);
  return iequals(path.substr(0, scheme), "https://");
}

// Why `backend` cannot provide an input at `path`, or "" when it can.
std::string unfetchable(const PathInput& input, const std::string& backend,
                        std::vector<std::string>& notes) {
  const std::string& path = input.path;
  if (path.starts_with("azureml://")) {
    notes.push_back(
        "datastore URIs are resolved by Azure ML; give a local path or an https:// "
        "URL (type: uri_file) to run it here");
    return fmt::format(
        "input '{}' is an Azure ML datastore URI, which the {} backend cannot "
        "fetch",
        input.name, backend);
  }
  if (path.starts_with("azureml:")) {
    notes.push_back(
        "data assets are resolved by Azure ML; give a local path or an https:// URL "
        "(type: uri_file) to run it here");
    return fmt::format("input '{}' is an Azure ML data asset, which the {} backend cannot fetch",
                       input.name, backend);
  }
  size_t scheme = url_scheme_length(path);
  if (path.starts_with("git+") || (scheme > 0 && !is_https(path))) {
    // The URL may carry a token: only its scheme is repeated.
    std::string shown = path.starts_with("git+") ? "git+" : path.substr(0, scheme);
    notes.push_back("off Azure ML, inputs are local paths or https:// files (type: uri_file)");
    return fmt::format("input '{}' is a {} URL, which the {} backend cannot fetch", input.name,
                       shown, backend);
  }
  if (scheme == 0) return "";
  if (input.type != "uri_file") {
    notes.push_back(
        "an https:// URL names one file: give type: uri_file, or download the "
        "folder and give its local path");
    return fmt::format("input '{}' is a {} over https; only a uri_file can be downloaded",
                       input.name,
                       input.type.empty() ? "uri_folder (the default type)" : input.type);
  }
  if (auto url = parse_https_url(path); !url) {
    return fmt::format("input '{}': {}", input.name, url.error().message);
  }
  return "";
}

// The folder under run_dir/inputs that holds input `name`'s file.
std::string folder_name(const std::string& name) {
  std::string folder;
  for (char c : name) folder += is_ascii_alnum(c) || c == '-' || c == '_' ? c : '_';
  return folder;
}

// A writable copy of `from` at `to`.
Status copy_input(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  if (!ec) fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
  if (!ec && fs::is_regular_file(to, ec)) {
    fs::permissions(to, fs::perms::owner_write, fs::perm_options::add, ec);
  }
  if (ec)
    return fail(fmt::format("cannot copy {} to {}: {}", from.string(), to.string(), ec.message()));
  return {};
}

// The cached download itself (hard-linked: no second copy of a large file) when the job
// cannot change it, a copy otherwise.
Status place_download(const fs::path& cached, const fs::path& to, bool shared) {
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  if (shared) {
    fs::create_hard_link(cached, to, ec);
    if (!ec) return {};
  }
  return copy_input(cached, to);
}

bool private_mounts_allowed() {
  static const bool allowed = read_only_mounts_possible();
  return allowed;
}

}  // namespace

bool check_inputs_for_backend(const model::JobCommon& job, const BackendEntry& backend,
                              DiagnosticSink& sink) {
  bool ok = true;
  for (const PathInput& input : path_inputs(job)) {
    std::vector<std::string> notes;
    std::string why = unfetchable(input, backend.name, notes);
    if (why.empty()) continue;
    sink.report(DiagCode::SchemaViolation, input.at, why, std::move(notes));
    ok = false;
  }
  return ok;
}

Status prepare_run_inputs(const model::JobCommon& job, const BackendEntry& backend,
                          const InputPreparation& preparation, RunContext& context) {
  auto warn = [&](std::string text) {
    if (preparation.warnings) preparation.warnings->push_back(std::move(text));
  };
  const BackendCapabilities& can = backend.capabilities;
  // A backend that runs the job elsewhere and stages nothing (Azure ML) sends the inputs'
  // paths and URLs to its service, which reads them itself: nothing to download or copy.
  if (!can.on_this_machine && !can.stages_inputs) return {};
  for (const PathInput& input : path_inputs(job)) {
    std::string variable = input_variable(input.name);
    bool writable_mode = input.mode == "rw_mount" || input.mode == "download";
    bool read_only =
        input.mode == "ro_mount" || (can.inputs_read_only_by_default && !writable_mode);
    if (can.read_only_needs_private_mounts && input.mode == "ro_mount" &&
        !private_mounts_allowed()) {
      warn(
          fmt::format("input '{}' is writable: mode ro_mount needs a private mount namespace, "
                      "which this machine does not allow (jobc is not root and user "
                      "namespaces are disabled)",
                      input.name));
      read_only = false;
    }
    if (can.stages_inputs && input.mode == "rw_mount") {
      warn(
          fmt::format("input '{}' (mode rw_mount): the {} job gets a staged copy; what it "
                      "writes there is not copied back",
                      input.name, backend.title));
    }
    fs::path into = context.run_dir / "inputs" / folder_name(input.name);
    fs::path path;
    if (is_https(input.path)) {
      DownloadOptions options{preparation.home / "downloads", preparation.progress,
                              preparation.live_progress};
      auto download = download_to_cache(input.path, options);
      if (!download)
        return fail(fmt::format("input '{}': {}", input.name, download.error().message));
      HttpsUrl url = *parse_https_url(input.path);
      if (download->reused && preparation.progress) {
        *preparation.progress << fmt::format("jobc: {} is unchanged; using the cached copy\n",
                                             url.display);
      }
      path = into / url.file_name;
      // A backend that stages a copy of it, or a read-only view, may share the cache's file.
      bool shared = can.stages_inputs || read_only;
      if (Status placed = place_download(download->file, path, shared); !placed) return placed;
    } else {
      const fs::path& dir = job.source.dir;
      path = fs::absolute(dir.empty() ? fs::path(input.path) : dir / input.path).lexically_normal();
      if (input.mode == "download") {  // a private copy, as Azure ML downloads one
        fs::path copy = into / (path.filename().empty() ? fs::path("data") : path.filename());
        if (Status copied = copy_input(path, copy); !copied) return copied;
        path = copy;
      }
    }
    context.environment[variable] = path.string();
    if (read_only || writable_mode) context.input_read_only[variable] = read_only;
  }
  return {};
}

}  // namespace jobc
