#include "runs/run_record_file.h"

#include <fstream>

#include <nlohmann/json.hpp>

#include "support/private_files.h"

namespace jobc {

namespace fs = std::filesystem;
using json = nlohmann::json;

fs::path run_record_file(const fs::path& run_dir) {
  return run_dir / "run.json";
}

Status write_run_record_file(const fs::path& run_dir, const RunRecord& run) {
  json record = {{"id", run.id},
                 {"name", run.name},
                 {"display_name", run.display_name},
                 {"experiment", run.experiment},
                 {"status", status_name(run.status)},
                 {"created_ms", run.created_ms},
                 {"started_ms", run.started_ms},
                 {"ended_ms", run.ended_ms},
                 {"exit_code", run.exit_code ? json(*run.exit_code) : json(nullptr)},
                 {"reason", run.reason},
                 {"spec_hash", run.spec_hash},
                 {"backend", run.backend},
                 {"backend_job_id", run.backend_job_id},
                 {"monitor_pid", run.monitor_pid},
                 {"monitor_start", run.monitor_start}};
  if (!run.job_type.empty()) record["job_type"] = run.job_type;
  if (!run.parent_id.empty()) record["parent_id"] = run.parent_id;
  return write_private_file_atomically(run_record_file(run_dir), record.dump(2) + "\n");
}

std::optional<RunRecord> read_run_record_file(const fs::path& run_dir) {
  std::ifstream in(run_record_file(run_dir));
  json record = json::parse(in, nullptr, false);
  if (!record.is_object() || !record.contains("id") || !record["id"].is_string()) {
    return std::nullopt;
  }
  auto status = parse_status(record.value("status", ""));
  if (!status) return std::nullopt;
  try {
    RunRecord run;
    run.id = record["id"].get<std::string>();
    run.name = record.value("name", run.id);
    run.display_name = record.value("display_name", "");
    run.experiment = record.value("experiment", "");
    run.status = *status;
    run.created_ms = record.value("created_ms", int64_t{0});
    run.started_ms = record.value("started_ms", int64_t{0});
    run.ended_ms = record.value("ended_ms", int64_t{0});
    if (record["exit_code"].is_number_integer()) run.exit_code = record["exit_code"].get<int>();
    run.reason = record.value("reason", "");
    run.spec_hash = record.value("spec_hash", "");
    run.backend = record.value("backend", "");
    run.backend_job_id = record.value("backend_job_id", "");
    run.monitor_pid = record.value("monitor_pid", int64_t{0});
    run.job_type = record.value("job_type", "");
    run.parent_id = record.value("parent_id", "");
    run.monitor_start = record.value("monitor_start", int64_t{0});
    return run;
  } catch (const json::exception&) {  // a field of the wrong type: not a record jobc wrote
    return std::nullopt;
  }
}

}  // namespace jobc
