#include "backends/slurm/slurm_state.h"

#include <fmt/format.h>

#include <set>

namespace jobc::slurm {
namespace {

using json = nlohmann::json;

std::string text_of(const json& job, const char* key) {
  if (!job.contains(key) || !job[key].is_string()) return "";
  std::string value = job[key];
  return value == "None" ? "" : value;
}

// A time of the job's record in milliseconds, 0 when unset: a number of seconds (v0.0.38),
// or {"set": true, "number": seconds} (later API versions).
int64_t time_ms(const json& job, const char* key) {
  if (!job.contains(key)) return 0;
  const json& value = job[key];
  json seconds =
      value.is_object() && value.value("set", true) ? value.value("number", json(0)) : value;
  return seconds.is_number_integer() && seconds.get<int64_t>() > 0 ? seconds.get<int64_t>() * 1000
                                                                   : 0;
}

std::string with_detail(std::string reason, const json& job) {
  std::string detail = text_of(job, "state_reason");
  std::string description = text_of(job, "state_description");
  if (!description.empty()) detail += (detail.empty() ? "" : ": ") + description;
  if (!detail.empty()) reason += " (" + detail + ")";
  return reason;
}

// How Slurm names the job: its id, or "A_T" for task T of job array A (the task's own job_id
// is a number users do not see in squeue).
std::string job_name_of(const json& job) {
  const char* array = "array_job_id";
  const char* task = "array_task_id";
  if (job.contains(array) && job[array].is_number_integer() && job[array].get<long long>() > 0 &&
      job.contains(task) && job[task].is_number_integer()) {
    return fmt::format("{}_{}", job[array].get<long long>(), job[task].get<long long>());
  }
  return std::to_string(job.value("job_id", 0LL));
}

}  // namespace

JobExit exit_from_wait_status(long long status) {
  int signal = static_cast<int>(status & 0x7f);
  if (signal != 0 && signal != 0x7f) return JobExit{128 + signal, signal};
  return JobExit{static_cast<int>((status >> 8) & 0xff), 0};
}

JobView view_job(const json& job, long long timeout_seconds) {
  JobView view;
  view.state = text_of(job, "job_state");
  view.running = view.state == "RUNNING";
  static const std::set<std::string> ended = {
      "COMPLETED", "FAILED",   "CANCELLED",     "TIMEOUT",      "NODE_FAIL", "PREEMPTED",
      "BOOT_FAIL", "DEADLINE", "OUT_OF_MEMORY", "SPECIAL_EXIT", "REVOKED"};
  std::string id = job_name_of(job);
  // Running, or ended: when it started (a pending job's start_time is only an estimate).
  view.phase.started_ms = time_ms(job, "start_time");
  if (!ended.count(view.state)) {
    // Not started yet: waiting for nodes, or for them to boot, or back in the queue.
    static const std::set<std::string> queued = {"PENDING",      "CONFIGURING", "REQUEUED",
                                                 "REQUEUE_HOLD", "REQUEUE_FED", "RESV_DEL_HOLD"};
    if (queued.count(view.state)) {
      view.phase = {RunStatus::Queued,
                    with_detail(fmt::format("Slurm job {} is {}", id, view.state), job), 0};
    }
    return view;
  }

  long long status = job.contains("exit_code") && job["exit_code"].is_number_integer()
                         ? job["exit_code"].get<long long>()
                         : 0;
  JobExit exit = exit_from_wait_status(status);
  const std::string& state = view.state;
  if (state == "COMPLETED") {
    // exit code 0: the run completes
  } else if (state == "FAILED") {
    if (exit.code == 0 && exit.signal == 0) {
      exit.reason = with_detail(fmt::format("Slurm job {} failed", id), job);
    }
  } else if (state == "CANCELLED") {
    exit.canceled = true;
    exit.reason =
        fmt::format("canceled in Slurm (scancel or an administrator): job {} is CANCELLED", id);
  } else if (state == "TIMEOUT") {
    long long limit = job.value("time_limit", 0LL);
    exit.reason = timeout_seconds > 0
                      ? fmt::format(
                            "timeout: reached the Slurm time limit of {} min (limits.timeout {} "
                            "s, rounded up to whole minutes); Slurm job {} is TIMEOUT",
                            limit, timeout_seconds, id)
                      : fmt::format(
                            "timeout: reached the Slurm time limit of {} min (the partition's "
                            "limit); Slurm job {} is TIMEOUT",
                            limit, id);
  } else if (state == "NODE_FAIL") {
    exit.reason =
        fmt::format("node failure: a node of Slurm job {} ({}) failed", id, text_of(job, "nodes"));
  } else if (state == "PREEMPTED") {
    exit.reason = fmt::format("preempted: Slurm gave the nodes of job {} to another job", id);
  } else if (state == "OUT_OF_MEMORY") {
    exit.reason = fmt::format("out of memory: Slurm job {} went over its memory limit", id);
  } else if (state == "BOOT_FAIL") {
    exit.reason = fmt::format("boot failure: a node of Slurm job {} did not boot", id);
  } else if (state == "DEADLINE") {
    exit.reason = fmt::format("deadline: Slurm job {} reached its deadline", id);
  } else {
    exit.reason = with_detail(fmt::format("Slurm job {} ended as {}", id, state), job);
  }
  view.exit = exit;
  return view;
}

}  // namespace jobc::slurm
