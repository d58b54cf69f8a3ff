#include "backends/docker/container_config.h"
#include "support/text.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "spec/docker_args.h"  // parse_byte_size: resources.shm_size

namespace jobc::docker {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

}  // namespace

// PID 1 of the container: runs the command ("$@") as its child and passes SIGTERM/SIGINT on
// to it (a process that is PID 1 ignores signals it has no handler for, so `bash launch.sh`
// itself would only stop for SIGKILL), then exits with the child's status. The image's own
// ENTRYPOINT is replaced: jobc runs launch.sh, nothing else.
const char* const kContainerInit =
    "trap 'kill -TERM \"$child\" 2>/dev/null' TERM INT HUP\n"
    "if [ -n \"$JOBC_TRACKING_RELAY\" ]; then /jobc/bin/jobc-relay $JOBC_TRACKING_RELAY & fi\n"
    "\"$@\" &\n"
    "child=$!\n"
    "wait \"$child\"\n"
    "status=$?\n"
    "if [ \"$status\" -gt 128 ] && kill -0 \"$child\" 2>/dev/null; then\n"
    "  wait \"$child\"\n"
    "  status=$?\n"
    "fi\n"
    "exit \"$status\"\n";

json RunOptions::to_json() const {
  return {{"network", network},
          {"shm_size", shm_size},
          {"device_requests", device_requests},
          {"env", env},
          {"ipc_mode", ipc_mode},
          {"memory", memory},
          {"memory_swap", memory_swap},
          {"nano_cpus", nano_cpus},
          {"pids_limit", pids_limit},
          {"ulimits", ulimits},
          {"user", user}};
}

RunOptions RunOptions::from_json(const json& in) {
  RunOptions options;
  if (!in.is_object()) return options;
  options.network = in.value("network", options.network);
  options.shm_size = in.value("shm_size", options.shm_size);
  options.device_requests = in.value("device_requests", json::array());
  options.env = in.value("env", std::vector<std::string>{});
  options.ipc_mode = in.value("ipc_mode", "");
  options.memory = in.value("memory", int64_t{0});
  options.memory_swap = in.value("memory_swap", int64_t{0});
  options.nano_cpus = in.value("nano_cpus", int64_t{0});
  options.pids_limit = in.value("pids_limit", int64_t{0});
  options.ulimits = in.value("ulimits", json::array());
  options.user = in.value("user", "");
  return options;
}

json device_requests(const model::GpuRequest& gpus) {
  json ids = json::array();
  for (const std::string& id : gpus.device_ids) ids.push_back(id);
  return json::array({{{"Driver", gpus.driver},
                       {"Count", gpus.count},
                       {"DeviceIDs", ids},
                       {"Capabilities", json::array({json::array({gpus.capability})})},
                       {"Options", json::object()}}});
}

bool is_gpu_instance_type(std::string_view instance_type) {
  std::string type = lower(instance_type);
  if (type.find("gpu") != std::string::npos) return true;
  for (const char* prefix : {"standard_nc", "standard_nd", "standard_nv"}) {
    if (type.starts_with(prefix)) return true;
  }
  return false;
}

Result<RunOptions> run_options_for(const model::Resources* resources) {
  RunOptions options;
  if (!resources) return options;
  if (resources->shm_size) {
    auto bytes = parse_byte_size(*resources->shm_size);
    if (!bytes || *bytes <= 0) {
      return fail(fmt::format("resources.shm_size '{}' is not a size like 2g or 512m",
                              *resources->shm_size));
    }
    options.shm_size = *bytes;
  }
  if (resources->instance_type && is_gpu_instance_type(*resources->instance_type)) {
    model::GpuRequest all;
    all.count = -1;
    options.device_requests = device_requests(all);
  }
  const model::DockerArgs& args = resources->docker_args;
  if (!args.network.empty()) options.network = args.network;
  if (args.shm_size) options.shm_size = *args.shm_size;
  if (args.gpus) options.device_requests = device_requests(*args.gpus);
  options.env = args.env;
  options.ipc_mode = args.ipc_mode;
  options.memory = args.memory;
  options.memory_swap = args.memory_swap;
  options.nano_cpus = args.nano_cpus;
  options.pids_limit = args.pids_limit;
  for (const model::Ulimit& limit : args.ulimits) {
    options.ulimits.push_back({{"Name", limit.name}, {"Soft", limit.soft}, {"Hard", limit.hard}});
  }
  options.user = args.user;
  return options;
}

std::string container_name(const std::string& run_id) {
  std::string name = "jobc-";
  for (char c : run_id) {
    bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
    name += keep ? c : '_';
  }
  return name;
}

std::filesystem::path relay_executable() {
  std::error_code ec;
  return fs::read_symlink("/proc/self/exe", ec).parent_path() / "jobc-relay";
}

json container_create_body(const RunContext& context, const std::string& image,
                           const RunOptions& options, unsigned host_uid, unsigned host_gid) {
  json env = json::array();
  json binds = json::array();
  binds.push_back(context.work_dir.string() + ":" + kContainerWorkDir);
  binds.push_back(context.artifacts_dir.string() + ":" + kContainerArtifactsDir + ":ro");
  env.push_back(std::string("JOBC_CODE_DIR=") + kContainerWorkDir);
  env.push_back("JOBC_RUN_ID=" + context.run.id);
  // vader's single-copy path needs ptrace rights containers lack; loopback carries mpirun's
  // own traffic (the container may have no other interface).
  env.push_back(
      "JOBC_MPIRUN_ARGS=--oversubscribe --mca btl self,vader --mca "
      "btl_vader_single_copy_mechanism none --mca oob_tcp_if_include lo");
  env.push_back("OMPI_ALLOW_RUN_AS_ROOT=1");
  env.push_back("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1");
  if (!context.tracking_socket.empty()) {
    binds.push_back(context.tracking_socket.parent_path().string() + ":" + kContainerTrackingDir);
    binds.push_back(relay_executable().string() + ":" + kContainerRelay + ":ro");
    env.push_back(fmt::format("JOBC_TRACKING_RELAY={} {}/{}", kContainerRelayPort,
                              kContainerTrackingDir, context.tracking_socket.filename().string()));
  }
  for (const auto& [name, value] : context.tracking_environment) env.push_back(name + "=" + value);
  for (const auto& [name, value] : context.environment) {
    fs::path host(value);
    std::error_code ec;
    if (name.starts_with("JOBC_INPUT_") && host.is_absolute() && fs::exists(host, ec)) {
      // Each input is mounted under /jobc/inputs (a file keeps its name): read-only unless
      // its mode is rw_mount (the job changes the source) or download (a private copy).
      std::string target = std::string(kContainerInputsDir) + "/" + name.substr(11);
      if (!fs::is_directory(host, ec)) target += "/" + host.filename().string();
      auto access = context.input_read_only.find(name);
      bool read_only = access == context.input_read_only.end() || access->second;
      binds.push_back(host.string() + ":" + target + (read_only ? ":ro" : ""));
      env.push_back(name + "=" + target);
    } else {
      env.push_back(name + "=" + value);
    }
  }
  std::string user = options.user;
  if (user.empty() && host_uid != 0) {
    // Files the job writes into the run's folder stay the submitting user's.
    user = fmt::format("{}:{}", host_uid, host_gid);
    env.push_back("HOME=/tmp");
  }
  for (const std::string& item : options.env) env.push_back(item);
  // The credentials jobc uses (the registry's password_env) never reach the job.
  const std::vector<std::string>& withheld = context.withheld_variables;
  auto is_withheld = [&](const json& item) {
    std::string entry = item.get<std::string>();
    return std::find(withheld.begin(), withheld.end(), entry.substr(0, entry.find('='))) !=
           withheld.end();
  };
  env.erase(std::remove_if(env.begin(), env.end(), is_withheld), env.end());

  json host_config = {
      {"Binds", binds},
      {"NetworkMode", options.network},
      {"ShmSize", options.shm_size},
  };
  if (!options.device_requests.empty()) host_config["DeviceRequests"] = options.device_requests;
  if (!options.ipc_mode.empty()) host_config["IpcMode"] = options.ipc_mode;
  if (options.memory) host_config["Memory"] = options.memory;
  if (options.memory_swap) host_config["MemorySwap"] = options.memory_swap;
  if (options.nano_cpus) host_config["NanoCpus"] = options.nano_cpus;
  if (options.pids_limit) host_config["PidsLimit"] = options.pids_limit;
  if (!options.ulimits.empty()) host_config["Ulimits"] = options.ulimits;

  json body = {
      {"Image", image},
      {"Entrypoint", json::array({"bash", "-c", kContainerInit, "jobc-init"})},
      {"Cmd", json::array({"bash", std::string(kContainerArtifactsDir) + "/launch.sh"})},
      {"WorkingDir", kContainerWorkDir},
      {"Env", env},
      {"Labels",
       {{"org.jobc.run-id", context.run.id}, {"org.jobc.experiment", context.run.experiment}}},
      {"AttachStdin", false},
      {"AttachStdout", false},
      {"AttachStderr", false},
      {"Tty", false},
      {"OpenStdin", false},
      {"HostConfig", host_config},
  };
  if (!user.empty()) body["User"] = user;
  return body;
}

}  // namespace jobc::docker
