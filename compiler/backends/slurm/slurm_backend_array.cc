// SlurmBackend's job arrays: a group of prepared runs submitted as one array (start_group),
// and what Slurm says of one of its tasks (task_record), for the run's monitor.
#include <fmt/format.h>

#include "backends/run_log_note.h"
#include "backends/slurm/slurm_array.h"
#include "backends/slurm/slurm_backend.h"

namespace jobc {

namespace fs = std::filesystem;
using json = nlohmann::json;

Status SlurmBackend::start_group(const std::vector<RunContext*>& runs, long long max_running) {
  // Nothing of the group is started: the caller records every run failed, so no stage stays.
  auto abandon = [&](const std::string& message) -> Status {
    std::error_code ec;
    for (RunContext* run : runs) fs::remove_all(stage_of(*run), ec);
    return fail(message);
  };
  if (runs.empty()) return fail("no runs to start as a Slurm job array");
  const json& compute = runs.front()->compute;
  for (const RunContext* run : runs) {
    for (const char* key : {"endpoint", "user", "staging_dir"}) {
      if (run->compute.value(key, "") != compute.value(key, "")) {
        return abandon(fmt::format(
            "the runs are on different Slurm computes (their {} differ): they cannot go as one "
            "job array",
            key));
      }
    }
  }
  std::vector<json> tasks;
  for (const RunContext* run : runs) {
    auto payload = submit_payload(*run);
    if (!payload) return abandon(payload.error().message);
    tasks.push_back(std::move(*payload));
  }
  slurm::JobArrayShape shape{max_running, runs.front()->run.parent_id,
                             compute.value("staging_dir", "")};
  auto array = slurm::job_array_payload(tasks, shape);
  if (!array) return abandon(array.error().message);

  slurm::SlurmClient& api = client(*runs.front());
  auto submitted = submit_while_unreachable([&] { return api.submit(*array); });
  if (!submitted) return abandon(submitted.error().message);
  long long array_job = *submitted;
  std::string partition = (*array)["job"].value("partition", "");
  std::string limit = max_running > 0 && static_cast<size_t>(max_running) < runs.size()
                          ? fmt::format(", at most {} at once", max_running)
                          : "";
  for (size_t i = 0; i < runs.size(); ++i) {
    RunContext& run = *runs[i];
    slurm::JobRef task{array_job, static_cast<long long>(i)};
    run.run.backend_job_id = task.text();
    run.backend_state["array_job"] = array_job;
    run.backend_state["array_task"] = i;
    append_run_note(
        run.log_file,
        fmt::format("Slurm job {} submitted{} (task {} of job array {}{}) through "
                    "slurmrestd {} ({})",
                    task.text(), partition.empty() ? "" : " to partition " + partition, i,
                    array_job, limit, api.version(), run.compute.value("endpoint", "")));
  }
  phase_.reason = fmt::format("Slurm job array {} is submitted", array_job);
  return {};
}

slurm::SlurmResult<json> SlurmBackend::task_record(const RunContext& context) {
  slurm::SlurmClient& api = client(context);
  // Its own record, once the task is split out of the array (running or ended)...
  auto own = api.job(job_);
  if (own || own.error().unreachable) {
    if (own) {
      seen_pending_ = own->value("job_state", "") == "PENDING";
      pending_record_.reset();
    }
    return own;
  }
  // ...else, while it waits, what the array's records said of it, read again every
  // array_recheck_ only: every waiting task of a large array asking for all of them at each
  // query would load slurmrestd. After a stop, at once (a canceled waiting task disappears).
  if (pending_record_ && !stop_asked_ && Clock::now() - pending_read_ < array_recheck_) {
    return *pending_record_;
  }
  // ...else the array's records: the meta record names it while it is pending, and becomes
  // its record when it is the last task left.
  auto records = api.job_records(job_.job);
  if (!records) return records.error();
  slurm::ArrayTaskLookup task = slurm::find_array_task(*records, job_.job, *job_.task);
  pending_record_.reset();
  if (task.found == slurm::ArrayTaskLookup::Found::Record) {
    seen_pending_ = task.record.value("job_state", "") == "PENDING";
    return task.record;
  }
  if (task.found == slurm::ArrayTaskLookup::Found::Pending) {
    seen_pending_ = true;
    json pending = task.record;  // the meta record's state and reason, as this task's
    pending["array_task_id"] = *job_.task;
    pending_record_ = pending;
    pending_read_ = Clock::now();
    return pending;
  }
  slurm::SlurmError error;
  error.message = fmt::format("slurmrestd has no record of Slurm job {}", job_.text());
  error.job_gone = true;
  return error;
}

}  // namespace jobc
