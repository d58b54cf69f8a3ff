// SlurmBackend's job arrays: a group of runs queued as one array before they are prepared
// (queue_group), each task let begin once its run is (release_queued), and what Slurm says
// of one of its tasks (task_record), for the run's monitor.
#include <fmt/format.h>

#include "backends/run_log_note.h"
#include "backends/slurm/slurm_array.h"
#include "backends/slurm/slurm_backend.h"
#include "support/private_files.h"

namespace jobc {

namespace fs = std::filesystem;
using json = nlohmann::json;

Status SlurmBackend::queue_group(const GroupQueue& group) {
  if (group.runs.empty()) return fail("no runs to queue as a Slurm job array");
  if (!group.compute) return fail("a Slurm job array needs a compute spec of type slurm");
  slurm::SlurmCompute compute = slurm::SlurmCompute::from(*group.compute);
  json compute_state = compute.to_json();  // never a token
  if (auto token = slurm::token_source(compute_state)(); !token) return token.error();
  auto compiled = compiled_payload(group.compiled, compute);
  if (!compiled) return compiled.error();
  std::string digest = payload_digest(*compiled);
  std::vector<json> tasks;
  for (RunContext* run : group.runs) {
    run->compute = compute_state;
    json payload = payload_for_run(*compiled, group.compiled, run->run.id);
    // Only in the request: MLflow's token is a secret, never written to a file.
    for (const auto& [name, value] : run->tracking_environment) {
      payload["job"]["environment"][name] = value;
    }
    tasks.push_back(std::move(payload));
  }
  slurm::JobArrayShape shape{group.max_running, group.runs.front()->run.parent_id,
                             compute.staging_dir};
  auto array = slurm::job_array_payload(tasks, shape);
  if (!array) return array.error();

  slurm::SlurmClient& api = client(*group.runs.front());
  auto submitted = submit_while_unreachable([&] { return api.submit(*array); });
  if (!submitted) return fail(submitted.error().message);
  long long array_job = *submitted;
  long long limit = group.max_running > 0 && size_t(group.max_running) < group.runs.size()
                        ? group.max_running
                        : 0;
  for (size_t i = 0; i < group.runs.size(); ++i) {
    RunContext& run = *group.runs[i];
    run.run.backend_job_id = slurm::JobRef{array_job, static_cast<long long>(i)}.text();
    run.backend_state = {
        {"array_job", array_job},       {"array_task", i},
        {"array_limit", limit},         {"queued_payload", digest},
        {"api_version", api.version()}, {"partition", (*array)["job"].value("partition", "")}};
  }
  phase_.reason = fmt::format("Slurm job array {} is submitted", array_job);
  return {};
}

Status SlurmBackend::release_queued(RunContext& context) {
  auto task = slurm::JobRef::parse(context.run.backend_job_id);
  const json& state = context.backend_state;
  if (!task || !task->task || !state.contains("queued_payload")) {
    return fail("no Slurm array task was queued for run " + context.run.id);
  }
  // The array carries the first run's job for every task: a run prepared with another one
  // (which no trial of a sweep is: they differ only in their launch scripts) would run the
  // wrong job.
  if (state.value("prepared_payload", "") != state.value("queued_payload", "")) {
    return fail(fmt::format(
        "the run's Slurm job (its artifacts/slurm/job.json) is not the one task {} of its job "
        "array was queued with",
        task->text()));
  }
  std::string uri;
  if (auto found = context.tracking_environment.find("MLFLOW_TRACKING_URI");
      found != context.tracking_environment.end()) {
    uri = found->second;
  }
  // Whole or not at all: the task polls for it from its node. Readable by the compute's user.
  if (Status ready = write_file_atomically(stage_of(context) / ".jobc-ready", uri + "\n", 0644);
      !ready) {
    return ready;
  }
  job_ = *task;
  phase_.reason = fmt::format("Slurm job array {} is submitted", task->job);
  std::string partition = state.value("partition", "");
  long long limit = state.value("array_limit", 0LL);
  append_run_note(
      context.log_file,
      fmt::format("Slurm job {} submitted{} (task {} of job array {}{}) through "
                  "slurmrestd {} ({})",
                  task->text(), partition.empty() ? "" : " to partition " + partition, *task->task,
                  task->job, limit > 0 ? fmt::format(", at most {} at once", limit) : "",
                  state.value("api_version", ""), context.compute.value("endpoint", "")));
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
