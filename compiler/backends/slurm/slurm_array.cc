#include "backends/slurm/slurm_array.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "backends/slurm/slurm_job.h"

namespace jobc::slurm {
namespace {

using json = nlohmann::json;

// The job fields each run has its own of; every other one must be the same in all.
const std::set<std::string>& own_fields() {
  static const std::set<std::string> fields = {
      "name",           "comment",    "current_working_directory", "standard_output",
      "standard_error", "environment"};
  return fields;
}

// The first key of `a` or `b` (outside `skip`) whose values differ; empty when none does.
std::string first_difference(const json& a, const json& b, const std::set<std::string>& skip) {
  std::set<std::string> keys;
  for (const auto& [key, value] : a.items()) keys.insert(key);
  for (const auto& [key, value] : b.items()) keys.insert(key);
  for (const std::string& key : keys) {
    if (skip.count(key)) continue;
    if (!a.contains(key) || !b.contains(key) || a[key] != b[key]) return key;
  }
  return "";
}

const json& environment_of(const json& task) {
  static const json none = json::object();
  const json& job = task["job"];
  return job.contains("environment") && job["environment"].is_object() ? job["environment"] : none;
}

// Variable `name`'s value in every task, with the task's run id (its JOBC_RUN_ID) in place
// of kSlurmRunIdPlaceholder, when that is the same in all; nullopt otherwise. A run id is
// never the placeholder, nor holds it.
std::optional<std::string> same_but_run_id(const std::vector<json>& tasks,
                                           const std::string& name) {
  std::optional<std::string> common;
  for (const json& task : tasks) {
    const json& own = environment_of(task);
    if (!own.contains(name) || !own[name].is_string() || !own.contains("JOBC_RUN_ID") ||
        !own["JOBC_RUN_ID"].is_string()) {
      return std::nullopt;
    }
    const std::string run_id = own["JOBC_RUN_ID"].get<std::string>();
    std::string value = own[name].get<std::string>();
    if (run_id.empty() || run_id.find(kSlurmRunIdPlaceholder) != std::string::npos) {
      return std::nullopt;
    }
    for (size_t at = value.find(run_id); at != std::string::npos;
         at = value.find(run_id, at + kSlurmRunIdPlaceholder.size())) {
      value.replace(at, run_id.size(), kSlurmRunIdPlaceholder);
    }
    if (common && *common != value) return std::nullopt;
    common = std::move(value);
  }
  if (!common || name == "JOBC_RUN_ID" ||
      common->find(kSlurmRunIdPlaceholder) == std::string::npos) {
    return std::nullopt;
  }
  return common;
}

// Slurm's environment for the array: shared variables as they are, the others under their
// task's prefix.
json array_environment(const std::vector<json>& tasks) {
  std::set<std::string> names;
  for (const json& task : tasks) {
    for (const auto& [name, value] : environment_of(task).items()) names.insert(name);
  }
  json environment = json::object();
  for (const std::string& name : names) {
    const json& first = environment_of(tasks.front());
    bool shared = first.contains(name);
    for (const json& task : tasks) {
      const json& own = environment_of(task);
      shared = shared && own.contains(name) && own[name] == first[name];
    }
    if (shared) {
      environment[name] = first[name];
      continue;
    }
    // The same but for each task's run id (its stage, its MLflow run): once, with the
    // placeholder the dispatcher replaces; the request stays small.
    if (std::optional<std::string> common = same_but_run_id(tasks, name)) {
      environment[name] = *common;
      continue;
    }
    for (size_t i = 0; i < tasks.size(); ++i) {
      const json& own = environment_of(tasks[i]);
      if (own.contains(name)) environment[array_task_prefix(i) + name] = own[name];
    }
  }
  return environment;
}

std::string without_shebang(const std::string& script) {
  if (script.rfind("#!", 0) != 0) return script;
  size_t end = script.find('\n');
  return end == std::string::npos ? "" : script.substr(end + 1);
}

std::optional<long long> number(std::string_view text) {
  long long value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < 0) {
    return std::nullopt;
  }
  return value;
}

std::optional<long long> integer_field(const json& record, const char* key) {
  if (!record.contains(key) || !record[key].is_number_integer()) return std::nullopt;
  return record[key].get<long long>();
}

}  // namespace

std::string job_array_spec(size_t count, long long max_running) {
  std::string spec = fmt::format("0-{}", count == 0 ? 0 : count - 1);
  if (max_running > 0 && static_cast<size_t>(max_running) < count) {
    spec += fmt::format("%{}", max_running);
  }
  return spec;
}

std::string array_task_prefix(size_t task) {
  return fmt::format("JOBC_TASK{}_", task);
}

std::string job_array_dispatcher() {
  // The trailing "_" of a prefix keeps task 1's (JOBC_TASK1_) from matching task 10's.
  return R"(#!/bin/bash
# Generated by jobc: the dispatcher of a Slurm job array whose tasks are jobc runs. Task i's
# own variables come as JOBC_TASK<i>_<NAME>: this task's are exported under their names, then
# every task's removed, so that no task sees another's (a tracking token among them).
jobc_prefix="JOBC_TASK${SLURM_ARRAY_TASK_ID:-none}_"
for jobc_name in $(compgen -e); do
  if [[ $jobc_name == "$jobc_prefix"* ]]; then
    export "${jobc_name#"$jobc_prefix"}=${!jobc_name}"
  fi
done
for jobc_name in $(compgen -e); do
  if [[ $jobc_name =~ ^JOBC_TASK[0-9]+_ ]]; then unset "$jobc_name"; fi
done
# What is the same in every task but the run id comes once, with @JOBC_RUN_ID@ in its place.
for jobc_name in $(compgen -e); do
  if [[ ${!jobc_name} == *"@JOBC_RUN_ID@"* ]]; then
    export "$jobc_name=${!jobc_name//"@JOBC_RUN_ID@"/${JOBC_RUN_ID:-}}"
  fi
done
unset jobc_name jobc_prefix
if [[ -z ${JOBC_RUN_ID:-} || -z ${JOBC_STAGE_DIR:-} ]]; then
  echo "jobc: no run for task ${SLURM_ARRAY_TASK_ID:-(none)} of Slurm job array ${SLURM_ARRAY_JOB_ID:-(none)}" >&2
  exit 1
fi
# jobc queues the array before it prepares the runs: wait until this one's stage is ready
# (at most 10 minutes; jobc prepares a run in milliseconds). The ready file holds the URI of
# the run's MLflow endpoint, empty when it has none.
jobc_waited=0
until [[ -e $JOBC_STAGE_DIR/.jobc-ready ]]; do
  if ((jobc_waited >= ${JOBC_READY_WAIT_TENTHS:-6000})); then
    echo "jobc: run ${JOBC_RUN_ID:-} (task ${SLURM_ARRAY_TASK_ID:-} of Slurm job array ${SLURM_ARRAY_JOB_ID:-}) was never prepared" >&2
    exit 1
  fi
  sleep 0.1
  jobc_waited=$((jobc_waited + 1))
done
unset jobc_waited JOBC_READY_WAIT_TENTHS
MLFLOW_TRACKING_URI=
read -r MLFLOW_TRACKING_URI <"$JOBC_STAGE_DIR/.jobc-ready" || true
if [[ -n $MLFLOW_TRACKING_URI ]]; then
  export MLFLOW_TRACKING_URI
else
  unset MLFLOW_TRACKING_URI MLFLOW_TRACKING_TOKEN MLFLOW_RUN_ID MLFLOW_EXPERIMENT_NAME \
    MLFLOW_EXPERIMENT_ID
fi
# Slurm's output file patterns know the array (%A) and the task (%a), not run ids: each task
# sends its output to its own run's log itself.
exec >>"$JOBC_STAGE_DIR/std_log.txt" 2>&1
)";
}

Result<json> job_array_payload(const std::vector<json>& tasks, const JobArrayShape& shape) {
  if (tasks.empty()) return fail("a job array needs at least one run");
  for (size_t i = 0; i < tasks.size(); ++i) {
    const json& task = tasks[i];
    if (!task.is_object() || !task.contains("job") || !task["job"].is_object() ||
        !task.contains("script") || !task["script"].is_string()) {
      return fail(fmt::format("run {} of the job array has no job-submit payload", i));
    }
  }
  const json& first = tasks.front();
  for (size_t i = 1; i < tasks.size(); ++i) {
    std::string field = first_difference(first, tasks[i], {"job"});
    if (field.empty()) field = first_difference(first["job"], tasks[i]["job"], own_fields());
    if (!field.empty()) {
      return fail(fmt::format("the runs differ in {}: they cannot go as one job array", field));
    }
  }
  json payload = first;
  json& job = payload["job"];
  std::string name =
      shape.parent_run_id.empty() ? first["job"].value("name", std::string()) : shape.parent_run_id;
  job["name"] = name;
  job["comment"] = fmt::format("jobc runs of {}: job array of {}", name, tasks.size());
  job["array"] = job_array_spec(tasks.size(), shape.max_running);
  job["current_working_directory"] = shape.working_directory;
  job["standard_output"] = "/dev/null";  // each task writes to its run's log (dispatcher)
  job["standard_error"] = "/dev/null";
  job["environment"] = array_environment(tasks);
  payload["script"] = job_array_dispatcher() + without_shebang(first["script"]);
  return payload;
}

std::optional<std::vector<ArrayTaskRange>> parse_array_task_string(std::string_view text) {
  std::vector<ArrayTaskRange> ranges;
  if (size_t limit = text.find('%'); limit != std::string_view::npos) {
    if (!number(text.substr(limit + 1))) return std::nullopt;
    text = text.substr(0, limit);
  }
  if (text.empty()) return ranges;
  for (size_t start = 0; start <= text.size();) {
    size_t comma = std::min(text.find(',', start), text.size());
    std::string_view item = text.substr(start, comma - start);
    start = comma + 1;
    ArrayTaskRange range;
    if (size_t colon = item.find(':'); colon != std::string_view::npos) {
      auto step = number(item.substr(colon + 1));
      if (!step || *step == 0) return std::nullopt;
      range.step = *step;
      item = item.substr(0, colon);
    }
    size_t dash = item.find('-');
    auto first = number(item.substr(0, dash));
    auto last = dash == std::string_view::npos ? first : number(item.substr(dash + 1));
    if (!first || !last || *last < *first) return std::nullopt;
    range.first = *first;
    range.last = *last;
    ranges.push_back(range);
  }
  return ranges;
}

bool array_task_string_names(std::string_view text, long long task) {
  auto ranges = parse_array_task_string(text);
  if (!ranges) return false;
  for (const ArrayTaskRange& range : *ranges) {
    if (task >= range.first && task <= range.last && (task - range.first) % range.step == 0) {
      return true;
    }
  }
  return false;
}

ArrayTaskLookup find_array_task(const json& records, long long array_job, long long task) {
  if (!records.is_array()) return {};
  for (const json& record : records) {
    if (!record.is_object()) continue;
    if (integer_field(record, "array_job_id") == array_job &&
        integer_field(record, "array_task_id") == task) {
      return {ArrayTaskLookup::Found::Record, record};
    }
  }
  for (const json& record : records) {
    if (!record.is_object() || integer_field(record, "job_id") != array_job) continue;
    if (record.contains("array_task_string") && record["array_task_string"].is_string() &&
        array_task_string_names(record["array_task_string"].get<std::string>(), task)) {
      return {ArrayTaskLookup::Found::Pending, record};
    }
  }
  return {};
}

}  // namespace jobc::slurm
