#include "backends/local/local_job_files.h"

#include <fstream>

#include <nlohmann/json.hpp>

#include "support/private_files.h"

namespace jobc {
namespace {

std::filesystem::path leader_file(const std::filesystem::path& run_dir) {
  return run_dir / "local_job.json";
}

}  // namespace

bool write_job_leader(const std::filesystem::path& run_dir, const LocalJobLeader& leader) {
  nlohmann::json record = {{"pgid", leader.pgid}, {"start_time", leader.start_time}};
  return write_private_file_atomically(leader_file(run_dir), record.dump() + "\n").ok();
}

std::optional<LocalJobLeader> read_job_leader(const std::filesystem::path& run_dir) {
  std::ifstream in(leader_file(run_dir));
  auto record = nlohmann::json::parse(in, nullptr, false);
  if (!record.is_object()) return std::nullopt;
  LocalJobLeader leader{record.value("pgid", 0), record.value("start_time", int64_t{0})};
  if (leader.pgid <= 1 || leader.start_time <= 0) return std::nullopt;
  return leader;
}

std::filesystem::path job_exit_file(const std::filesystem::path& run_dir) {
  return run_dir / "job_exit";
}

std::optional<int> read_job_exit(const std::filesystem::path& run_dir) {
  std::ifstream in(job_exit_file(run_dir));
  int code = -1;
  if (!(in >> code) || code < 0 || code > 255) return std::nullopt;
  return code;
}

}  // namespace jobc
