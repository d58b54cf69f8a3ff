#include "runs/monitor_config.h"

#include <fstream>

namespace jobc {
std::filesystem::path monitor_config_file(const std::filesystem::path& run_dir) {
  return run_dir / "monitor.json";
}

Status write_monitor_config(const std::filesystem::path& home, const RunContext& context) {
  nlohmann::json config = {{"home", home.string()},
                           {"run_id", context.run.id},
                           {"backend", context.run.backend},
                           {"work_dir", context.work_dir.string()},
                           {"artifacts_dir", context.artifacts_dir.string()},
                           {"log_file", context.log_file.string()},
                           {"timeout_seconds", context.timeout_seconds},
                           {"environment", context.environment},
                           {"input_read_only", context.input_read_only},
                           {"withheld_variables", context.withheld_variables},
                           {"compute", context.compute},
                           {"backend_state", context.backend_state}};
  std::string text;
  try {
    text = config.dump(2);
  } catch (const nlohmann::json::exception&) {  // a path or value that is not UTF-8
    return fail("cannot write " + monitor_config_file(context.run_dir).string() +
                ": a path or variable of the run is not UTF-8");
  }
  std::ofstream out(monitor_config_file(context.run_dir));
  out << text << "\n";
  if (!out.flush()) return fail("cannot write " + monitor_config_file(context.run_dir).string());
  return {};
}

std::optional<nlohmann::json> read_monitor_config(const std::filesystem::path& run_dir) {
  std::ifstream in(monitor_config_file(run_dir));
  auto config = nlohmann::json::parse(in, nullptr, false);
  if (!config.is_object()) return std::nullopt;
  return config;
}

RunContext context_from_config(const nlohmann::json& config, const RunRecord& run,
                               const std::filesystem::path& run_dir) {
  RunContext context;
  context.run = run;
  context.run_dir = run_dir;
  context.work_dir = config.value("work_dir", "");
  context.artifacts_dir = config.value("artifacts_dir", "");
  context.log_file = config.value("log_file", "");
  context.timeout_seconds = config.value("timeout_seconds", 0LL);
  context.environment = config.value("environment", std::map<std::string, std::string>{});
  context.input_read_only = config.value("input_read_only", std::map<std::string, bool>{});
  context.withheld_variables = config.value("withheld_variables", std::vector<std::string>{});
  context.compute = config.value("compute", nlohmann::json::object());
  context.backend_state = config.value("backend_state", nlohmann::json::object());
  return context;
}

}  // namespace jobc
