#include "backends/docker/container_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>

namespace jobc::docker {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string lower(std::string_view text) {
  std::string out;
  for (char c : text) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<int64_t> parse_integer(std::string_view text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

const char* kSupported =
    "--network host|none, --shm-size, --gpus, -e/--env NAME=VALUE, --ipc, --memory/-m, "
    "--memory-swap, --cpus, --pids-limit, --ulimit, --user/-u";

}  // namespace

// PID 1 of the container: runs the command ("$@") as its child and passes SIGTERM/SIGINT on
// to it (a process that is PID 1 ignores signals it has no handler for, so `bash launch.sh`
// itself would only stop for SIGKILL), then exits with the child's status. The image's own
// ENTRYPOINT is replaced: jobc runs launch.sh, nothing else.
const char* const kContainerInit =
    "trap 'kill -TERM \"$child\" 2>/dev/null' TERM INT HUP\n"
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

std::optional<int64_t> parse_byte_size(std::string_view text) {
  std::string value = lower(text);
  size_t digits = 0;
  while (digits < value.size() &&
         (std::isdigit(static_cast<unsigned char>(value[digits])) || value[digits] == '.')) {
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  double number = 0;
  try {
    number = std::stod(value.substr(0, digits));
  } catch (...) {
    return std::nullopt;
  }
  std::string unit = value.substr(digits);
  if (unit.size() > 1 && (unit.ends_with("b") || unit.ends_with("ib"))) {
    unit = unit.substr(0, unit.ends_with("ib") ? unit.size() - 2 : unit.size() - 1);
  }
  static const std::map<std::string, double> units = {{"", 1},
                                                      {"b", 1},
                                                      {"k", 1024.0},
                                                      {"m", 1024.0 * 1024},
                                                      {"g", 1024.0 * 1024 * 1024},
                                                      {"t", 1024.0 * 1024 * 1024 * 1024}};
  auto it = units.find(unit);
  if (it == units.end()) return std::nullopt;
  return static_cast<int64_t>(std::llround(number * it->second));
}

std::optional<std::vector<std::string>> split_arguments(std::string_view text, std::string& error) {
  std::vector<std::string> out;
  std::string current;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else if (c == '\\' && quote == '"' && i + 1 < text.size()) {
        current += text[++i];
      } else {
        current += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == '\\' && i + 1 < text.size()) {
      current += text[++i];
      in_word = true;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) out.push_back(current);
      current.clear();
      in_word = false;
    } else {
      current += c;
      in_word = true;
    }
  }
  if (quote) {
    error = "resources.docker_args has an unclosed quote";
    return std::nullopt;
  }
  if (in_word) out.push_back(current);
  return out;
}

std::optional<json> parse_gpus(std::string_view text, std::string& error) {
  std::string value(text);
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
      value.back() == value.front()) {
    value = value.substr(1, value.size() - 2);
  }
  json request = {{"Driver", "nvidia"},
                  {"Count", 0},
                  {"DeviceIDs", json::array()},
                  {"Capabilities", json::array({json::array({"gpu"})})},
                  {"Options", json::object()}};
  auto bad = [&] {
    error = fmt::format("--gpus '{}': give all, a count, or device=ID[,ID...]", text);
    return std::nullopt;
  };
  if (value == "all") {
    request["Count"] = -1;
    return json::array({request});
  }
  if (auto count = parse_integer(value)) {
    if (*count <= 0) return bad();
    request["Count"] = *count;
    return json::array({request});
  }
  // key=value pairs separated by commas; device= takes the rest of the list.
  size_t start = 0;
  bool any = false;
  while (start < value.size()) {
    size_t comma = value.find(',', start);
    std::string part =
        value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? value.size() : comma + 1;
    auto equals = part.find('=');
    if (equals == std::string::npos) return bad();
    std::string key = part.substr(0, equals);
    std::string item = part.substr(equals + 1);
    any = true;
    if (key == "device") {
      request["DeviceIDs"].push_back(item);
      // device=0,1: the ids after a comma without '=' belong to it.
      while (start < value.size()) {
        size_t next = value.find(',', start);
        std::string id =
            value.substr(start, next == std::string::npos ? std::string::npos : next - start);
        if (id.find('=') != std::string::npos) break;
        request["DeviceIDs"].push_back(id);
        start = next == std::string::npos ? value.size() : next + 1;
      }
    } else if (key == "count") {
      if (item == "all") {
        request["Count"] = -1;
      } else if (auto count = parse_integer(item); count && *count > 0) {
        request["Count"] = *count;
      } else {
        return bad();
      }
    } else if (key == "driver") {
      request["Driver"] = item;
    } else if (key == "capabilities") {
      request["Capabilities"] = json::array({json::array({item})});
    } else {
      return bad();
    }
  }
  if (!any) return bad();
  return json::array({request});
}

bool is_gpu_instance_type(std::string_view instance_type) {
  std::string type = lower(instance_type);
  if (type.find("gpu") != std::string::npos) return true;
  for (const char* prefix : {"standard_nc", "standard_nd", "standard_nv"}) {
    if (type.starts_with(prefix)) return true;
  }
  return false;
}

bool parse_run_options(const json& job, RunOptions& options, std::string& error) {
  options = RunOptions{};
  json resources = job.is_object() ? job.value("resources", json::object()) : json::object();
  if (!resources.is_object()) return true;
  if (auto shm = resources.find("shm_size"); shm != resources.end() && shm->is_string()) {
    auto bytes = parse_byte_size(shm->get<std::string>());
    if (!bytes || *bytes <= 0) {
      error = fmt::format("resources.shm_size '{}' is not a size like 2g or 512m",
                          shm->get<std::string>());
      return false;
    }
    options.shm_size = *bytes;
  }
  if (auto type = resources.find("instance_type"); type != resources.end() && type->is_string()) {
    if (is_gpu_instance_type(type->get<std::string>())) {
      std::string ignored;
      options.device_requests = *parse_gpus("all", ignored);
    }
  }
  auto args_it = resources.find("docker_args");
  if (args_it == resources.end() || !args_it->is_string()) return true;
  auto args = split_arguments(args_it->get<std::string>(), error);
  if (!args) return false;
  for (size_t i = 0; i < args->size(); ++i) {
    std::string arg = (*args)[i];
    std::string value;
    bool has_value = false;
    if (auto equals = arg.find('='); arg.starts_with("--") && equals != std::string::npos) {
      value = arg.substr(equals + 1);
      arg = arg.substr(0, equals);
      has_value = true;
    } else if (arg.size() > 2 && arg[0] == '-' && arg[1] != '-' &&
               (arg[1] == 'e' || arg[1] == 'm' || arg[1] == 'u')) {
      value = arg.substr(2);  // -eNAME=VALUE, -m4g
      arg = arg.substr(0, 2);
      has_value = true;
    }
    auto take_value = [&]() -> bool {
      if (has_value) return true;
      if (i + 1 >= args->size()) {
        error = fmt::format("resources.docker_args: {} needs a value", arg);
        return false;
      }
      value = (*args)[++i];
      return true;
    };
    auto size_of = [&](int64_t& out) -> bool {
      auto bytes = parse_byte_size(value);
      if (!bytes) {
        error = fmt::format("resources.docker_args: {} '{}' is not a size", arg, value);
        return false;
      }
      out = *bytes;
      return true;
    };
    if (arg == "--network" || arg == "--net") {
      if (!take_value()) return false;
      if (value != "host" && value != "none") {
        error = fmt::format(
            "resources.docker_args: --network {}: jobc runs containers with network none, or "
            "host when asked (--network host)",
            value);
        return false;
      }
      options.network = value;
    } else if (arg == "--shm-size") {
      if (!take_value() || !size_of(options.shm_size)) return false;
    } else if (arg == "--gpus") {
      if (!take_value()) return false;
      auto gpus = parse_gpus(value, error);
      if (!gpus) {
        error = "resources.docker_args: " + error;
        return false;
      }
      options.device_requests = *gpus;
    } else if (arg == "-e" || arg == "--env") {
      if (!take_value()) return false;
      auto equals = value.find('=');
      if (equals == std::string::npos || equals == 0) {
        error = fmt::format(
            "resources.docker_args: {} {}: give NAME=VALUE (jobc does not copy variables from "
            "the submitting shell into the container)",
            arg, value);
        return false;
      }
      options.env.push_back(value);
    } else if (arg == "--ipc") {
      if (!take_value()) return false;
      if (value != "host" && value != "private" && value != "shareable" && value != "none") {
        error = fmt::format(
            "resources.docker_args: --ipc {}: give host, private, shareable or none", value);
        return false;
      }
      options.ipc_mode = value;
    } else if (arg == "--memory" || arg == "-m") {
      if (!take_value() || !size_of(options.memory)) return false;
    } else if (arg == "--memory-swap") {
      if (!take_value()) return false;
      if (value == "-1") {
        options.memory_swap = -1;
      } else if (!size_of(options.memory_swap)) {
        return false;
      }
    } else if (arg == "--cpus") {
      if (!take_value()) return false;
      try {
        size_t used = 0;
        double cpus = std::stod(value, &used);
        if (used != value.size() || cpus <= 0) throw std::invalid_argument(value);
        options.nano_cpus = static_cast<int64_t>(std::llround(cpus * 1e9));
      } catch (...) {
        error = fmt::format("resources.docker_args: --cpus '{}' is not a number", value);
        return false;
      }
    } else if (arg == "--pids-limit") {
      if (!take_value()) return false;
      auto limit = parse_integer(value);
      if (!limit) {
        error = fmt::format("resources.docker_args: --pids-limit '{}' is not a number", value);
        return false;
      }
      options.pids_limit = *limit;
    } else if (arg == "--ulimit") {
      if (!take_value()) return false;
      auto equals = value.find('=');
      std::string name = value.substr(0, equals);
      std::string limits = equals == std::string::npos ? "" : value.substr(equals + 1);
      auto colon = limits.find(':');
      auto soft = parse_integer(limits.substr(0, colon));
      auto hard = colon == std::string::npos ? soft : parse_integer(limits.substr(colon + 1));
      if (name.empty() || !soft || !hard) {
        error = fmt::format("resources.docker_args: --ulimit '{}': give name=soft[:hard]", value);
        return false;
      }
      options.ulimits.push_back({{"Name", name}, {"Soft", *soft}, {"Hard", *hard}});
    } else if (arg == "--user" || arg == "-u") {
      if (!take_value()) return false;
      options.user = value;
    } else {
      error = fmt::format(
          "resources.docker_args: '{}' is not supported by jobc's docker backend; it takes {} "
          "(host mounts, devices, capabilities and privileged mode are left out on purpose)",
          (*args)[i], kSupported);
      return false;
    }
  }
  return true;
}

std::string container_name(const std::string& run_id) {
  std::string name = "jobc-";
  for (char c : run_id) {
    bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
    name += keep ? c : '_';
  }
  return name;
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
