#include "backends/docker/docker_backend.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>

#include "backends/docker/build_context.h"
#include "backends/docker/container_config.h"
#include "backends/docker/image_builder.h"
#include "backends/docker/log_stream.h"
#include "backends/docker/progress_stream.h"
#include "backends/docker/registry_auth.h"
#include "backends/run_log_note.h"
#include "codegen/environment_recipe.h"
#include "jobc/compile.h"
#include "jobc/model/spec.h"

namespace jobc {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace docker;

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// `jobc submit --rebuild`, or JOBC_REBUILD=1, its older (undocumented) spelling.
bool rebuild_requested(const SubmitContext& submit) {
  std::string value = env_or_empty("JOBC_REBUILD");
  return submit.rebuild || (!value.empty() && value != "0" && value != "false");
}

// Pulls the base image of an image environment when the engine lacks it, with the
// environment's registry credentials when it has a registry.
Status ensure_base_image(const EngineClient& engine, const EnvironmentRecipe& recipe,
                         std::ostream& progress, bool terminal) {
  ImageReference base = parse_image_reference(recipe.image);
  Result<bool> present = engine.image_exists(recipe.image);
  if (!present) return present.error();
  if (*present) return {};
  EnvLookup env = process_environment();
  auto credentials = find_credentials(recipe.registry, base.registry, env, docker_config_file(env));
  if (!credentials) return credentials.error();
  return pull_image(engine, base, *credentials, recipe.registry, progress, terminal);
}

// Lets any user write the run's folder (the job's user in the image is not the submitter).
void open_to_container_user(const fs::path& work_dir) {
  std::error_code ec;
  fs::permissions(work_dir, fs::perms::all, fs::perm_options::add, ec);
  for (fs::recursive_directory_iterator it(work_dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_symlink()) continue;
    fs::perms add = it->is_directory() ? fs::perms::all
                                       : fs::perms::owner_read | fs::perms::owner_write |
                                             fs::perms::group_read | fs::perms::group_write |
                                             fs::perms::others_read | fs::perms::others_write;
    std::error_code ignored;
    fs::permissions(it->path(), add, fs::perm_options::add, ignored);
  }
}

// GET /containers/ID/json's State, or {} when the answer has none.
json container_state(const HttpResult& inspect) {
  if (!inspect || !inspect->ok()) return json::object();
  json info = json::parse(inspect->body, nullptr, false);
  if (!info.is_object() || !info.contains("State") || !info["State"].is_object())
    return json::object();
  return info["State"];
}

// Why a container that exited failed, when the kernel killed it for memory; else empty.
std::string oom_reason(const json& state) {
  if (!state.value("OOMKilled", false)) return "";
  return "out of memory: the kernel killed the job (raise --memory in docker_args)";
}

// The engine a docker compute spec names (socket, host), as resolve_engine_endpoint reads it;
// {} for the built-in `docker`.
json engine_settings(const model::Compute* compute) {
  json settings = json::object();
  if (!compute) return settings;
  for (const char* key : {"socket", "host"}) {
    const model::Value* value = compute->settings.find(key);
    if (value && value->is_string()) settings[key] = value->text;
  }
  return settings;
}

// Builds the environment's image (pulling its base image first, for an image environment).
Status build(const EngineClient& engine, const EnvironmentRecipe& recipe, const RunContext& run,
             std::ostream& progress, bool terminal, bool rebuild) {
  BuildRequest build;
  build.tag = recipe.image_tag();
  build.no_cache = rebuild;
  if (!recipe.build_dir) {
    if (Status pulled = ensure_base_image(engine, recipe, progress, terminal); !pulled) {
      return pulled;
    }
  } else if (recipe.registry) {
    // The Dockerfile's FROM may name an image of the environment's registry: the engine
    // pulls it during the build with these credentials.
    EnvLookup env = process_environment();
    auto credentials =
        find_credentials(recipe.registry, recipe.registry->address, env, docker_config_file(env));
    if (!credentials) return credentials.error();
    if (*credentials) build.registry_config = registry_config_header(**credentials);
  }
  BuildContextInputs context_inputs{run.artifacts_dir, recipe.build_dir, recipe.dockerfile_path};
  auto entries = list_build_context(context_inputs);
  if (!entries) return entries.error();
  build.context_tar = run.run_dir / "build-context.tar";
  Status built = write_build_context(*entries, build.context_tar);
  if (built) built = build_image(engine, build, progress, terminal);
  std::error_code ignored;
  fs::remove(build.context_tar, ignored);
  return built;
}

}  // namespace

DockerBackend::DockerBackend(std::shared_ptr<HttpTransport> transport)
    : transport_(transport ? std::move(transport) : make_curl_transport()) {}

DockerBackend::~DockerBackend() {
  finish_threads();
  remove_container();
}

Status DockerBackend::prepare(SubmitContext& submit) {
  RunContext& run = submit.run;
  const EnvironmentRecipe* recipe = submit.compiled.environment.get();
  if (!recipe) {
    return fail(
        "the docker backend runs a job inside its environment's image, and this job has no "
        "environment: add `environment: {image: ...}` (or a build context)");
  }
  if (!recipe->buildable()) {
    return fail(fmt::format(
        "the environment '{}' is registered in Azure ML; jobc cannot fetch it to run with "
        "docker: describe it in the spec (image, or build) instead",
        recipe->reference));
  }
  const model::CommandBody* body =
      submit.compiled.model ? submit.compiled.model->command_body() : nullptr;
  auto options = run_options_for(body && body->resources ? &*body->resources : nullptr);
  if (!options) return options.error();

  auto endpoint =
      resolve_engine_endpoint(engine_settings(submit.compute), env_or_empty("DOCKER_HOST"));
  if (!endpoint) return endpoint.error();
  EngineClient engine(transport_, *endpoint);
  if (Status connected = engine.connect(); !connected) return connected;

  std::string tag = recipe->image_tag();
  bool terminal = is_terminal_stream(submit.progress);
  bool rebuild = rebuild_requested(submit);
  HttpResult inspect = engine.call("GET", "/images/" + tag + "/json", nullptr, 30000);
  bool exists = inspect && inspect->ok();
  if (!exists && !(inspect && inspect->status == 404)) {
    return fail(engine.describe_failure(inspect));
  }
  if (exists && !rebuild) {
    submit.progress << fmt::format("jobc: image {} is up to date (--rebuild rebuilds it)\n", tag);
  } else if (Status built = build(engine, *recipe, run, submit.progress, terminal, rebuild);
             !built) {
    return built;
  }
  if (geteuid() == 0 && options->user.empty()) {
    // An image that runs as another user (non_root_user) must still write outputs/ and
    // logs/ into the run's folder, which belongs to root here.
    if (!exists || rebuild) inspect = engine.call("GET", "/images/" + tag + "/json");
    json image = inspect ? json::parse(inspect->body, nullptr, false) : json();
    std::string user = inspect && inspect->ok() && image.is_object() && image.contains("Config") &&
                               image["Config"].is_object()
                           ? image["Config"].value("User", "")
                           : "";
    if (!user.empty() && user != "root" && user != "0" && !user.starts_with("0:")) {
      open_to_container_user(run.work_dir);
    }
  }
  // What the monitor needs; never a secret.
  run.backend_state = {{"engine", endpoint->shown},
                       {"api_version", engine.api_version()},
                       {"image", tag},
                       {"options", options->to_json()}};
  return {};
}

Result<std::unique_ptr<EngineClient>> DockerBackend::engine_from_state(
    const RunContext& context) const {
  std::string address = context.backend_state.value("engine", "");
  auto endpoint = parse_engine_address(address);
  if (!endpoint) return endpoint.error();
  auto engine = std::make_unique<EngineClient>(transport_, *endpoint);
  std::string version = context.backend_state.value("api_version", "");
  if (version.empty()) {
    if (Status connected = engine->connect(); !connected) return connected.error();
  } else {
    engine->set_api_version(version);
  }
  return engine;
}

namespace {

bool on_host_network(const RunContext& context) {
  json options = context.backend_state.value("options", json::object());
  return options.is_object() && options.value("network", "") == "host";
}

}  // namespace

bool DockerBackend::reaches_tracking() const {
  std::error_code ec;
  return std::filesystem::exists(docker::relay_executable(), ec);
}

bool DockerBackend::tracking_over_socket(const RunContext& context) const {
  return !on_host_network(context);
}

std::string DockerBackend::tracking_uri(const RunContext& context, int port) const {
  int seen = on_host_network(context) ? port : docker::kContainerRelayPort;
  return "http://127.0.0.1:" + std::to_string(seen);
}

std::string DockerBackend::artifact_uri(const RunContext& /*context*/) const {
  return std::string("file://") + docker::kContainerWorkDir + "/outputs";
}

Status DockerBackend::start(RunContext& context) {
  auto engine = engine_from_state(context);
  if (!engine) return engine.error();
  engine_ = std::move(*engine);
  std::string image = context.backend_state.value("image", "");
  RunOptions options =
      RunOptions::from_json(context.backend_state.value("options", json::object()));
  json body = container_create_body(context, image, options, geteuid(), getegid());
  HttpResult created = engine_->call(
      "POST", "/containers/create?name=" + url_encode(container_name(context.run.id)), &body);
  if (created && created->status == 409) {
    created = engine_->call("POST", "/containers/create", &body);  // the name is taken
  }
  if (!created || !created->ok()) {
    return fail(
        created && created->status == 404
            ? fmt::format("the image {} is gone from the engine (removed since the submit?): "
                          "submit the job again to rebuild it",
                          image)
            : "cannot create the container: " + engine_->describe_failure(created));
  }
  json answer = json::parse(created->body, nullptr, false);
  container_id_ = answer.is_object() ? answer.value("Id", "") : "";
  if (container_id_.empty()) return fail("the engine created a container but gave no id");
  removed_ = false;
  abort_ = false;
  logs_done_ = false;
  started_ = false;
  attach_ = Attach::Pending;
  exit_.reset();
  // Attach to the container's output before it starts (as `docker run` does), so the first
  // line reaches std_log.txt as soon as it is written.
  logs_thread_ = std::thread(&DockerBackend::stream_output, this, context.log_file);
  {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, attach_wait_, [this] { return attach_ != Attach::Pending; });
    if (attach_ == Attach::Pending) attach_ = Attach::Late;
  }
  HttpResult started = engine_->call("POST", "/containers/" + container_id_ + "/start");
  if (!started || (!started->ok() && started->status != 304)) {
    std::string why = "cannot start the container: " + engine_->describe_failure(started);
    remove_container();  // ends the attached stream
    finish_threads();
    return fail(why);
  }
  {
    std::lock_guard lock(mutex_);
    started_ = true;
    changed_.notify_all();
  }
  context.run.backend_job_id = container_id_;
  wait_thread_ = std::thread(&DockerBackend::wait_for_exit, this);
  return {};
}

void DockerBackend::stream_output(fs::path log_file) {
  int fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  // Payload bytes written so far, and to pass over on a second read, per stream (stdout,
  // stderr): each stream's bytes come in order, however the two interleave.
  size_t written[2] = {0, 0};
  size_t skip[2] = {0, 0};
  auto write_payload = [&](int stream, std::string_view payload) {
    int index = stream == 2 ? 1 : 0;
    size_t passed = std::min(skip[index], payload.size());
    skip[index] -= passed;
    payload.remove_prefix(passed);
    written[index] += payload.size();
    while (fd >= 0 && !payload.empty()) {
      ssize_t wrote = ::write(fd, payload.data(), payload.size());
      if (wrote <= 0) break;
      payload.remove_prefix(static_cast<size_t>(wrote));
    }
  };
  auto attach_open = [this] {
    std::lock_guard lock(mutex_);
    return attach_ == Attach::Open;
  };
  // A followed log may stay open after the container exited (the engine closes it late):
  // once the exit is known it gives way to the final full read below.
  auto exited_a_while = [this] {
    std::lock_guard lock(mutex_);
    return exit_.has_value() &&
           std::chrono::steady_clock::now() - exited_at_ > std::chrono::seconds(2);
  };
  auto read = [&](const std::string& method, const std::string& path, bool streaming,
                  bool attaching, bool following = false) {
    MultiplexedStreamDecoder decoder(write_payload);
    HttpRequest request = engine_->request(method, "/containers/" + container_id_ + path);
    request.timeout_ms = streaming ? 0 : 60000;
    request.on_chunk = [&](std::string_view chunk) {
      if (attaching && !attach_open()) return false;  // a late attach is dropped unread
      decoder.feed(chunk);
      return !abort_.load();
    };
    if (attaching) {
      request.on_headers = [this](long status) {
        std::lock_guard lock(mutex_);
        if (attach_ != Attach::Pending) return;  // too late: the container has started
        attach_ = status == 200 || status == 101 ? Attach::Open : Attach::Failed;
        changed_.notify_all();
      };
    }
    request.should_abort = [&, this] { return abort_.load() || (following && exited_a_while()); };
    return engine_->perform(request);
  };
  auto wait_until = [&](auto predicate, std::chrono::seconds limit) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, limit, [&] { return predicate() || abort_.load(); });
  };

  HttpResult attached = read("POST", "/attach?stream=1&stdout=1&stderr=1", true, true, true);
  bool complete = false;
  {
    std::lock_guard lock(mutex_);
    complete = attach_ == Attach::Open && attached && attached->ok();
    if (attach_ == Attach::Pending) attach_ = Attach::Failed;
    changed_.notify_all();
  }
  if (!complete && !abort_ && !exited_a_while()) {
    // No attach (or it broke): follow the engine's log of the container instead.
    wait_until([this] { return started_; }, std::chrono::seconds(30));
    skip[0] = written[0];  // the log starts from the beginning: pass over what the attach wrote
    skip[1] = written[1];
    HttpResult followed = read("GET", "/logs?stdout=1&stderr=1&follow=1", true, false, true);
    if (!(followed && followed->ok()) && !abort_ && !exited_a_while()) {
      append_run_note(log_file,
                      "the container's output stopped: " + engine_->describe_failure(followed));
    }
  }
  // Either stream may end before it carried the container's last output (the engine's log
  // follower closes when the container stops, sometimes before the last line): once the
  // container has exited, read its log from the start and add what was missed.
  wait_until([this] { return exit_.has_value(); }, std::chrono::seconds(30));
  bool started = false;
  {
    std::lock_guard lock(mutex_);
    started = started_;
  }
  if (!abort_ && started) {
    skip[0] = written[0];
    skip[1] = written[1];
    (void)read("GET", "/logs?stdout=1&stderr=1", false, false);  // best effort: the rest
    // The engine may report the exit before its log has the last lines (a loaded machine):
    // read once more, half a second after the exit, for any it had not yet written.
    std::chrono::steady_clock::time_point again;
    {
      std::lock_guard lock(mutex_);
      again = exited_at_ + std::chrono::milliseconds(500);
    }
    std::this_thread::sleep_until(again);
    if (!abort_) {
      skip[0] = written[0];
      skip[1] = written[1];
      (void)read("GET", "/logs?stdout=1&stderr=1", false, false);
    }
  }
  if (fd >= 0) ::close(fd);
  std::lock_guard lock(mutex_);
  logs_done_ = true;
  changed_.notify_all();
}

void DockerBackend::wait_for_exit() {
  JobExit result{255, 0};
  std::string failure;
  bool exited = false;
  for (int attempt = 0; attempt < 3 && !abort_; ++attempt) {
    HttpRequest request =
        engine_->request("POST", "/containers/" + container_id_ + "/wait?condition=not-running");
    request.timeout_ms = 0;
    request.should_abort = [this] { return abort_.load(); };
    HttpResult response = engine_->perform(request);
    json body = response ? json::parse(response->body, nullptr, false) : json();
    if (response && response->ok() && body.is_object() && body.contains("StatusCode")) {
      result.code = body["StatusCode"].get<int>();
      exited = true;
      break;
    }
    failure = engine_->describe_failure(response);
    if (abort_ || (response && response->status == 404)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  if (exited) {
    HttpResult inspect = engine_->call("GET", "/containers/" + container_id_ + "/json");
    result.reason = oom_reason(container_state(inspect));
  } else if (!abort_) {
    result.reason = "lost track of the container: " + failure;
  }
  std::lock_guard lock(mutex_);
  exit_ = result;
  exited_at_ = std::chrono::steady_clock::now();
  changed_.notify_all();
}

std::optional<JobExit> DockerBackend::poll(RunContext& /*context*/, int wait_ms) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, std::chrono::milliseconds(wait_ms), [this] { return exit_.has_value(); });
  if (!exit_) return std::nullopt;
  // The output ends with the container: let the log stream drain (a lingering stream gives
  // way 2 s after the exit, then one read of the log), within bounds.
  changed_.wait_for(lock, std::chrono::seconds(30), [this] { return logs_done_; });
  return exit_;
}

void DockerBackend::stop(RunContext& /*context*/, bool force) {
  if (!engine_ || container_id_.empty()) return;
  // Best effort: a container that is gone already needs no signal.
  (void)engine_->call(
      "POST", "/containers/" + container_id_ + "/kill?signal=" + (force ? "SIGKILL" : "SIGTERM"),
      nullptr, 15000);
}

void DockerBackend::finish_threads() {
  abort_ = true;
  if (wait_thread_.joinable()) wait_thread_.join();
  if (logs_thread_.joinable()) logs_thread_.join();
}

void DockerBackend::remove_container() {
  if (!engine_ || container_id_.empty() || removed_) return;
  HttpResult response =
      engine_->call("DELETE", "/containers/" + container_id_ + "?force=1&v=1", nullptr, 30000);
  removed_ = response && (response->ok() || response->status == 404);
}

void DockerBackend::collect(RunContext& context) {
  // outputs/ and logs/ were written straight into the run's folder (a bind mount).
  {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(30), [this] { return logs_done_; });
  }
  finish_threads();
  remove_container();
  if (!removed_ && !container_id_.empty()) {
    append_run_note(context.log_file, "could not remove the container " +
                                          container_id_.substr(0, 12) +
                                          "; remove it with the engine's API or `docker rm -f`");
  }
}

Status DockerBackend::stop_orphaned(RunContext& context) {
  if (!context.backend_state.contains("engine")) return {};  // never prepared
  auto connected = engine_from_state(context);
  if (!connected) return connected.error();
  std::unique_ptr<EngineClient>& engine = *connected;
  std::string container = context.run.backend_job_id.empty() ? container_name(context.run.id)
                                                             : context.run.backend_job_id;
  // A container that exited on its own keeps its exit code until it is removed.
  json state = container_state(
      engine->call("GET", "/containers/" + url_encode(container) + "/json", nullptr, 30000));
  if (state.value("Status", "") == "exited" && state.contains("ExitCode") &&
      state["ExitCode"].is_number_integer()) {
    orphan_exit_ = JobExit{state["ExitCode"].get<int>(), 0, oom_reason(state)};
  }
  HttpResult response = engine->call(
      "DELETE", "/containers/" + url_encode(container) + "?force=1&v=1", nullptr, 30000);
  if (response && (response->ok() || response->status == 404)) return {};
  return fail("cannot remove the container " + container + ": " +
              engine->describe_failure(response));
}

std::optional<JobExit> DockerBackend::orphaned_exit(RunContext& /*context*/) {
  return orphan_exit_;
}

}  // namespace jobc
