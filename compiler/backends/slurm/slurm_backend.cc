#include "backends/slurm/slurm_backend.h"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <thread>

#include "backends/run_log_note.h"
#include "backends/slurm/slurm_compute.h"
#include "backends/slurm/slurm_job.h"
#include "backends/slurm/slurm_staging.h"
#include "backends/slurm/slurm_state.h"
#include "jobc/artifact_writer.h"
#include "jobc/compile.h"
#include "jobc/model/spec.h"

#include "support/hash.h"
#include "support/local_address.h"

namespace jobc {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using std::chrono::milliseconds;

void append_log(const RunContext& context, const std::string& line) {
  append_run_note(context.log_file, line);
}

// The Slurm job the run records (backend_job_id: "471", or an array task "471_3"), if any.
std::optional<slurm::JobRef> recorded_job(const RunContext& context) {
  return slurm::JobRef::parse(context.run.backend_job_id);
}

}  // namespace

Result<json> SlurmBackend::compiled_payload(const CompileResult& compiled,
                                            const slurm::SlurmCompute& compute) {
  const OutputSet::File* file = compiled.outputs.find("slurm/job.json");
  if (!file) {
    return fail("the compiled job has no slurm/job.json: it was compiled for another compute");
  }
  json payload = json::parse(file->content, nullptr, false);
  if (!payload.is_object() || !payload.contains("job") || !payload["job"].is_object()) {
    return fail("the compiled slurm/job.json is not a job-submit payload");
  }
  std::string stage = slurm_stage_dir(compute, kSlurmRunIdPlaceholder).string();
  if (payload["job"].value("current_working_directory", "") != stage + "/work") {
    return fail(
        fmt::format("the compiled slurm/job.json stages the job elsewhere than {} (the "
                    "compute's staging_dir): it was compiled for another compute",
                    compute.staging_dir));
  }
  return payload;
}

json SlurmBackend::payload_for_run(json compiled, const CompileResult& from,
                                   const std::string& run_id) {
  json payload = slurm_payload_for_run(std::move(compiled), run_id);
  const model::JobCommon* job = from.model ? from.model->job() : nullptr;
  if (!job || !job->name) payload["job"]["name"] = run_id;  // a job without a name: the run's
  return payload;
}

std::string SlurmBackend::payload_digest(json compiled) {
  compiled["job"].erase("name");  // a job array has a name of its own
  return sha256_hex(compiled.dump());
}

SlurmBackend::SlurmBackend(std::shared_ptr<HttpTransport> transport)
    : transport_(std::move(transport)) {}

slurm::SlurmClient& SlurmBackend::client(const RunContext& context) {
  if (!client_) {
    if (!transport_) transport_ = make_curl_transport();
    const json& compute = context.compute;
    client_ = std::make_unique<slurm::SlurmClient>(
        transport_, compute.value("endpoint", ""), compute.value("user", ""),
        slurm::token_source(compute), compute.value("api_version", ""));
  }
  return *client_;
}

Status SlurmBackend::prepare(SubmitContext& submit) {
  RunContext& context = submit.run;
  const model::Spec* spec = submit.compiled.model.get();
  const model::JobCommon* job = spec ? spec->job() : nullptr;
  if (!submit.compute || !job)
    return fail("a Slurm job needs a command job and a compute spec of type slurm");
  slurm::SlurmCompute compute = slurm::SlurmCompute::from(*submit.compute);
  context.compute = compute.to_json();  // what the monitor needs; never a token
  if (auto token = slurm::token_source(context.compute)(); !token) return token.error();
  // The run's id: its folder's name (the record is filled in after prepare).
  std::string run_id =
      context.run.id.empty() ? context.run_dir.filename().string() : context.run.id;
  auto compiled = compiled_payload(submit.compiled, compute);
  if (!compiled) return compiled.error();
  std::string digest = payload_digest(*compiled);
  auto payload = payload_for_run(std::move(*compiled), submit.compiled, run_id);
  // The compiled artifacts, with the payload made for this run, in the run's folder and in
  // the stage: written by the one writer.
  OutputSet artifacts = submit.compiled.outputs;
  artifacts.add("slurm/job.json", payload.dump(2) + "\n");
  WriteReport written = write_artifacts(artifacts, context.artifacts_dir, WriteMode::Write);
  if (!written.errors.empty()) return fail(written.errors.front());
  fs::path stage = slurm_stage_dir(compute, run_id);
  std::error_code ec;
  bool existed = fs::exists(stage, ec);
  if (!existed && submit.note_staging) submit.note_staging(stage);  // removed if jobc is killed now
  if (Status staged = slurm::stage_run(*job, artifacts, context, stage); !staged) {
    if (!existed) fs::remove_all(stage, ec);
    return staged;
  }
  context.backend_state = {{"stage", stage.string()},
                           {"timeout_seconds", context.timeout_seconds},
                           {"prepared_payload", digest}};
  context.timeout_seconds = 0;  // Slurm enforces it (time_limit), from the job's start
  submit.progress << fmt::format("jobc: staged the run in {}\n", stage.string());
  return {};
}

fs::path SlurmBackend::stage_of(const RunContext& context) {
  return context.backend_state.value("stage", std::string());
}

Result<json> SlurmBackend::submit_payload(const RunContext& context) {
  fs::path file = context.artifacts_dir / "slurm" / "job.json";
  std::ifstream in(file);
  json payload = json::parse(in, nullptr, false);
  if (!payload.is_object()) return fail("cannot read the job-submit payload " + file.string());
  payload = slurm_payload_for_run(std::move(payload), context.run.id);
  // Only in the request: MLflow's token is a secret, never written to a file.
  for (const auto& [name, value] : context.tracking_environment) {
    payload["job"]["environment"][name] = value;
  }
  return payload;
}

slurm::SlurmResult<long long> SlurmBackend::submit_once(RunContext& context) {
  auto payload = submit_payload(context);
  if (!payload) {
    slurm::SlurmError failure;
    failure.message = payload.error().message;
    return failure;
  }
  slurm::SlurmClient& api = client(context);
  slurm::SlurmResult<long long> id = api.submit(*payload);
  if (!id) return id;
  job_ = {*id, std::nullopt};
  context.run.backend_job_id = job_.text();
  phase_.reason = fmt::format("Slurm job {} is submitted", job_.text());
  std::string partition = (*payload)["job"].value("partition", "");
  append_log(context, fmt::format("Slurm job {} submitted{} through slurmrestd {} ({})", *id,
                                  partition.empty() ? "" : " to partition " + partition,
                                  api.version(), context.compute.value("endpoint", "")));
  next_query_ = Clock::now() + interval_;
  return id;
}

slurm::SlurmResult<long long> SlurmBackend::submit_while_unreachable(
    const std::function<slurm::SlurmResult<long long>()>& submit) {
  // slurmrestd or slurmctld restarting: try again for a minute (nothing was submitted).
  auto deadline = Clock::now() + std::chrono::minutes(1);
  milliseconds pause(250);
  for (;;) {
    auto submitted = submit();
    if (submitted || !submitted.error().unreachable || Clock::now() >= deadline) return submitted;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, milliseconds(5000));
  }
}

std::string SlurmBackend::tracking_listen_host(const RunContext& context) const {
  auto address = local_address_toward(context.compute.value("endpoint", ""));
  return address ? *address : "127.0.0.1";
}

std::string SlurmBackend::tracking_uri(const RunContext& context, int port) const {
  std::string host = tracking_listen_host(context);
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return fmt::format("http://{}:{}", host, port);
}

std::string SlurmBackend::artifact_uri(const RunContext& context) const {
  return file_uri(stage_of(context) / "work" / "outputs");
}

Status SlurmBackend::start(RunContext& context) {
  auto submitted = submit_while_unreachable([&] { return submit_once(context); });
  if (!submitted) {
    std::error_code ec;
    fs::remove_all(stage_of(context), ec);
    return fail(submitted.error().message);
  }
  return {};
}

Backend::QuickStartResult SlurmBackend::start_from_submitter(RunContext& context) {
  auto submitted = submit_once(context);
  if (submitted) return {QuickStart::Started};
  if (submitted.error().unreachable)
    return {QuickStart::Deferred};  // the monitor tries for a minute
  std::error_code ec;
  fs::remove_all(stage_of(context), ec);
  return {QuickStart::Refused, submitted.error().message};
}

Status SlurmBackend::adopt(RunContext& context) {
  auto job = recorded_job(context);
  if (!job) return fail("no Slurm job id recorded for the run");
  job_ = *job;
  phase_.reason = fmt::format("Slurm job {} is submitted", job_.text());
  next_query_ = Clock::now();
  // The monitors of an array's tasks start together, just after the array was queued: their
  // first questions are spread over two seconds instead of all reaching slurmctld at once.
  // A task that starts writing output is asked about at once (copy_output).
  if (job_.task) next_query_ += milliseconds(400 + (*job_.task % 64) * 25);
  return {};
}

void SlurmBackend::copy_output(RunContext& context) {
  fs::path stage = stage_of(context);
  if (stage.empty()) return;
  uint64_t before = log_offset_;
  log_offset_ = slurm::append_new_bytes(stage / "std_log.txt", context.log_file, log_offset_);
  // Output from a job last seen waiting means it has started: ask Slurm now, not after the
  // back-off (up to 5 s for an array task), so the run is shown Running when it is.
  if (log_offset_ != before && phase_.status == RunStatus::Queued) {
    next_query_ = std::min(next_query_, Clock::now());
  }
}

std::optional<JobExit> SlurmBackend::query(RunContext& context) {
  auto job = job_.task ? task_record(context) : client(context).job(job_);
  auto now = Clock::now();
  if (!job && job.error().job_gone && job_.task && (seen_pending_ || stop_asked_)) {
    // A task canceled while pending leaves no record at all, not even a CANCELLED one.
    ended_ = true;
    return JobExit{
        0, 0, fmt::format("Slurm array task {} was canceled before it started", job_.text()), true};
  }
  if (job) {
    if (failing_since_) append_log(context, "Slurm answers again");
    failing_since_.reset();
    retry_interval_ = milliseconds(500);
    gone_answers_ = 0;
    slurm::JobView view =
        slurm::view_job(*job, context.backend_state.value("timeout_seconds", 0LL));
    if (view.state != last_state_) {
      last_state_ = view.state;
      interval_ = milliseconds(200);
      if (!view.exit) {
        std::string where = view.running ? job->value("nodes", "") : "";
        std::string why = job->value("state_reason", "None");
        append_log(context, fmt::format("Slurm job {} is {}{}{}", job_.text(), view.state,
                                        where.empty() ? "" : " on " + where,
                                        why == "None" || view.running ? "" : " (" + why + ")"));
      }
    } else {
      // A pending array task asks about the whole array: less often, not to load slurmrestd.
      bool pending_task = job_.task && view.phase.status == RunStatus::Queued;
      interval_ = std::min(interval_ * 2, milliseconds(pending_task ? 5000 : 2000));
    }
    phase_ = view.phase;
    if (view.exit) {
      ended_ = true;
      return view.exit;
    }
    next_query_ = now + interval_;
    return std::nullopt;
  }
  const slurm::SlurmError& error = job.error();
  if (error.job_gone && ++gone_answers_ >= 3) {
    ended_ = true;
    return JobExit{255, 0,
                   fmt::format("Slurm no longer knows job {} (its record was purged after it "
                               "ended); its exit is unknown",
                               job_.text())};
  }
  if (!failing_since_) {
    failing_since_ = now;
    append_log(context, fmt::format("cannot reach Slurm ({}); trying again", error.message));
  } else if (now - *failing_since_ >= outage_limit_) {
    return JobExit{
        255, 0,
        fmt::format("lost contact with Slurm for {} s ({}); Slurm job {} may still be running "
                    "(scancel {})",
                    std::chrono::duration_cast<std::chrono::seconds>(outage_limit_).count(),
                    error.message, job_.text(), job_.text())};
  }
  next_query_ = now + retry_interval_;
  retry_interval_ = std::min(retry_interval_ * 2, milliseconds(10000));
  return std::nullopt;
}

std::optional<JobExit> SlurmBackend::poll(RunContext& context, int wait_ms) {
  auto deadline = Clock::now() + milliseconds(wait_ms);
  while (true) {
    copy_output(context);
    auto now = Clock::now();
    if (now >= next_query_) {
      if (auto exit = query(context)) {
        copy_output(context);
        return exit;
      }
      now = Clock::now();
    }
    if (now >= deadline) return std::nullopt;
    auto pause =
        std::min({milliseconds(50), std::chrono::duration_cast<milliseconds>(deadline - now),
                  std::chrono::duration_cast<milliseconds>(next_query_ - now)});
    std::this_thread::sleep_for(std::max(pause, milliseconds(1)));
  }
}

void SlurmBackend::stop(RunContext& context, bool force) {
  if (job_.job == 0) return;
  stop_asked_ = true;
  slurm::SlurmClient& api = client(context);
  auto deadline = Clock::now() + std::chrono::seconds(20);
  milliseconds pause(250);
  for (;;) {
    auto canceled = api.cancel(job_, force ? "KILL" : "");
    if (canceled) break;
    const slurm::SlurmError& error = canceled.error();
    bool retry = error.unreachable || error.status == 0 || error.status >= 500;
    if (error.job_gone || !retry || Clock::now() >= deadline) {
      append_log(context,
                 fmt::format("could not cancel Slurm job {}: {}; cancel it with scancel {}",
                             job_.text(), error.message, job_.text()));
      return;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, milliseconds(4000));
  }
  interval_ = milliseconds(200);
  next_query_ = Clock::now();  // see the job end soon
}

void SlurmBackend::collect(RunContext& context) {
  copy_output(context);
  fs::path stage = stage_of(context);
  if (stage.empty()) return;
  if (Status collected = slurm::collect_outputs(stage, context.work_dir); !collected) {
    append_log(context, "could not bring back outputs/ and logs/: " + collected.error().message);
    return;
  }
  const char* keep = std::getenv("JOBC_KEEP_STAGING");
  if (ended_ && !(keep && std::string(keep) == "1")) {
    std::error_code ec;
    fs::remove_all(stage, ec);
  }
}

Status SlurmBackend::stop_orphaned(RunContext& context) {
  if (context.run.backend_job_id.empty()) return {};  // never submitted
  auto id = recorded_job(context);
  if (!id || !context.compute.contains("endpoint")) {
    return fail("no Slurm job recorded for the run in " + context.run_dir.string());
  }
  slurm::SlurmClient& api = client(context);
  // A job that ended on its own keeps its exit in Slurm (until its record is purged), and
  // its outputs in the stage: both are brought back, and there is nothing to cancel.
  if (auto job = api.job(*id)) {
    slurm::JobView view =
        slurm::view_job(*job, context.backend_state.value("timeout_seconds", 0LL));
    if (view.exit) {
      orphan_exit_ = view.exit;
      ended_ = true;
      collect(context);
      return {};
    }
  }
  auto canceled = api.cancel(*id, "");
  if (canceled || canceled.error().job_gone) return {};  // canceled, or ended already
  return fail(fmt::format("could not cancel Slurm job {}: {}; cancel it with scancel {}",
                          id->text(), canceled.error().message, id->text()));
}

std::optional<JobExit> SlurmBackend::orphaned_exit(RunContext& /*context*/) {
  return orphan_exit_;
}

}  // namespace jobc
