#include "runs/monitor.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include <nlohmann/json.hpp>

#include "backends/run_log_note.h"
#include "runs/cancel.h"
#include "runs/monitor_config.h"
#include "runs/orphaned_job.h"
#include "runs/space_reserve.h"
#include "runs/stale_staging.h"
#include "runs/tracking/tracking_process.h"
#include "runs/unrecorded_runs.h"
#include "support/process.h"

namespace jobc {
namespace {

volatile std::sig_atomic_t g_cancel_requested = 0;

// Where a monitor finds the pipe of a tracking endpoint the submitting jobc started.
constexpr int kTrackingControlFd = 3;

void on_cancel_signal(int) {
  g_cancel_requested = 1;
}

void write_final_status(const std::filesystem::path& run_dir, const RunRecord& run) {
  nlohmann::json status = {{"status", status_name(run.status)}, {"reason", run.reason}};
  if (run.exit_code) status["exit_code"] = *run.exit_code;
  std::filesystem::path file = final_status_file(run_dir);
  std::filesystem::path temporary = file;
  temporary += ".tmp";
  std::ofstream(temporary) << status.dump() << "\n";
  std::filesystem::rename(temporary, file);
}

// Stops the job: SIGTERM, then SIGKILL after the grace period. Returns its exit if it ended.
std::optional<JobExit> stop_job(Backend& backend, RunContext& context) {
  backend.stop(context, false);
  if (auto exit = backend.poll(context, kStopGraceSeconds * 1000)) return exit;
  backend.stop(context, true);
  return backend.poll(context, 5000);
}

// Records the run, with this monitor, before the job starts (Running, or Queued for a
// backend with a queue): from then on a cancel reaches this process (SIGTERM) instead of
// being recorded by cancel_run and then overwritten here. False when the run already ended
// (canceled before the monitor began).
bool record_monitor(RunStore& store, RunContext& context, const JobPhase& phase) {
  RunRecord& run = context.run;
  apply_phase(run, phase);
  run.monitor_pid = getpid();
  run.monitor_start = process_start_time(getpid());
  Status updated = store.update(run);
  if (updated) return true;
  if (auto now = find_if_readable(store, run.id); now && is_terminal(now->status)) {
    run = *now;
    return false;
  }
  append_run_log(context, "could not record the run: " + updated.error().message);
  return true;
}

// Serves the run's MLflow tracking endpoint and gives the job MLflow's variables. A run
// whose endpoint cannot start still runs, without them, and its log says why.
std::unique_ptr<TrackingProcess> serve_tracking(const RunStore& store, RunContext& context,
                                                const Backend& backend) {
  auto started = serve_run_tracking(store.home(), context, backend);
  if (!started) {
    append_run_log(context, "no MLflow tracking for this run: " + started.error().message);
    return nullptr;
  }
  return std::move(*started);
}

void run_to_completion(RunStore& store, RunContext& context, Backend& backend) {
  std::string error;
  RunRecord& run = context.run;
  // A job `jobc submit` handed over itself (Backend::start_from_submitter) is adopted.
  const bool adopting = !run.backend_job_id.empty();
  if (adopting) {
    if (Status adopted = backend.adopt(context); !adopted) {
      const std::string& why = adopted.error().message;
      end_unstarted_run(store, context, RunStatus::Failed, "could not take over: " + why,
                        "could not take over the job: " + why);
      return;
    }
  }
  JobPhase recorded = backend.phase();
  if (!record_monitor(store, context, recorded)) return;
  // Lives until the job has ended and its outputs are collected.
  std::unique_ptr<TrackingProcess> tracking;
  if (!adopting && backend.reaches_tracking()) tracking = serve_tracking(store, context, backend);
  if (!adopting) {
    if (Status started = backend.start(context); !started) {
      const std::string& why = started.error().message;
      bool canceled = g_cancel_requested;
      end_unstarted_run(store, context, canceled ? RunStatus::Canceled : RunStatus::Failed,
                        canceled ? cancel_reason(context.run_dir) : "could not start: " + why,
                        "could not start the job: " + why);
      return;
    }
  }
  // Records the backend's job id. Failing here means the run was ended behind this
  // monitor's back (recorded before this monitor was): stop the job as for a cancel.
  recorded = backend.phase();
  apply_phase(run, recorded);
  if (Status updated = store.update(run); !updated) {
    append_run_log(context, "could not record the job's id: " + updated.error().message);
    auto now = find_if_readable(store, run.id);
    if (now && is_terminal(now->status)) g_cancel_requested = 1;
  }

  auto started = std::chrono::steady_clock::now();
  std::optional<JobExit> exit;
  RunStatus outcome = RunStatus::Completed;
  std::string reason;
  while (!exit) {
    if (g_cancel_requested) {
      append_run_log(context, "canceled: stopping the job");
      exit = stop_job(backend, context);
      outcome = RunStatus::Canceled;
      reason = cancel_reason(context.run_dir);
      break;
    }
    auto elapsed = std::chrono::steady_clock::now() - started;
    if (context.timeout_seconds > 0 && elapsed >= std::chrono::seconds(context.timeout_seconds)) {
      append_run_log(context, fmt::format("timeout: the job ran longer than limits.timeout ({} s)",
                                          context.timeout_seconds));
      exit = stop_job(backend, context);
      outcome = RunStatus::Failed;
      reason =
          fmt::format("timeout: ran longer than limits.timeout ({} s)", context.timeout_seconds);
      break;
    }
    exit = backend.poll(context, 100);
    if (!exit && backend.phase() != recorded) {
      recorded = backend.phase();
      apply_phase(run, recorded);
      if (Status updated = store.update(run); !updated) {
        append_run_log(context, "could not record the run: " + updated.error().message);
      }
    }
  }
  // A job that ended between two polls was never seen Running: its start, if known.
  if (run.started_ms == 0 && backend.phase().started_ms > 0) {
    run.started_ms = backend.phase().started_ms;
    if (Status updated = store.update(run); !updated) {
      append_run_log(context, "could not record the run: " + updated.error().message);
    }
  }
  backend.collect(context);
  if (outcome == RunStatus::Completed && exit) outcome = outcome_of_exit(*exit, reason);
  // The job's output goes to the run's folder: a disk that filled up cut it short.
  if (auto full = disk_full_reason(context.run_dir, store.home());
      full && outcome != RunStatus::Canceled) {
    reason = reason.empty() || outcome == RunStatus::Completed ? *full : *full + "; " + reason;
    outcome = RunStatus::Failed;
  }
  std::optional<int> code;
  if (exit) code = exit->code;
  (void)store.finish(run.id, outcome, code, reason);  // the record says how it ended
  if (auto final_run = find_if_readable(store, run.id)) run = *final_run;
}

// When a run was handed to its monitor: monitor.json is written just before the run is
// recorded, while created_ms is older by the time the backend took to prepare (a build).
int64_t handed_over_ms(const RunStore& store, const RunRecord& run) {
  struct stat info {};
  std::string config = monitor_config_file(store.run_dir(run.id)).string();
  if (stat(config.c_str(), &info) != 0) return run.created_ms;
  int64_t written = int64_t(info.st_mtim.tv_sec) * 1000 + info.st_mtim.tv_nsec / 1000000;
  return std::max(run.created_ms, written);
}

}  // namespace

RunStatus outcome_of_exit(const JobExit& exit, std::string& reason) {
  if (exit.canceled) {
    reason = exit.reason;
    return RunStatus::Canceled;
  }
  if (exit.code == 0 && exit.signal == 0 && exit.reason.empty()) return RunStatus::Completed;
  reason = !exit.reason.empty() ? exit.reason
           : exit.signal        ? fmt::format("killed by signal {}", exit.signal)
                                : fmt::format("exit code {}", exit.code);
  return RunStatus::Failed;
}

void append_run_log(const RunContext& context, const std::string& line) {
  append_run_note(context.log_file, line);
}

// Writes the backend's phase (Queued or Running, and why) into `run`.
void apply_phase(RunRecord& run, const JobPhase& phase) {
  run.status = phase.status;
  run.reason = phase.reason;
  if (phase.status == RunStatus::Running && run.started_ms == 0) {
    run.started_ms = phase.started_ms > 0 ? phase.started_ms : now_ms();
  }
}

void end_unstarted_run(RunStore& store, RunContext& context, RunStatus status,
                       const std::string& reason, const std::string& log_line) {
  append_run_log(context, log_line);
  (void)store.finish(context.run.id, status, std::nullopt, reason);
  if (auto ended = find_if_readable(store, context.run.id)) context.run = *ended;
}

std::filesystem::path final_status_file(const std::filesystem::path& run_dir) {
  return run_dir / "final_status.json";
}

Result<pid_t> start_monitor(const std::filesystem::path& run_dir_path,
                            const std::vector<std::string>& withheld, int tracking_control) {
  std::error_code ec;
  std::string self = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  if (ec) return fail("cannot find the jobc executable: " + ec.message());
  std::string run_dir = run_dir_path.string();
  // posix_spawn (a vfork-like clone: no copy of this process's page tables, which hold
  // libcurl once a backend has talked HTTP) into a new session, so closing the terminal or
  // killing jobc submit does not reach the monitor. Its output goes nowhere: it logs to
  // the run's files.
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  for (int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) {
    posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_RDWR, 0);
  }
  int moved = -1;
  if (tracking_control == kTrackingControlFd) {
    // dup2 onto itself would keep close-on-exec: move it out of the way first.
    moved = fcntl(tracking_control, F_DUPFD_CLOEXEC, 10);
    tracking_control = moved;
  }
  if (tracking_control >= 0) {
    posix_spawn_file_actions_adddup2(&actions, tracking_control, kTrackingControlFd);
  }
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigset_t defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD}) sigaddset(&defaults, signal);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::string command = "__monitor";
  char* argv[] = {self.data(), command.data(), run_dir.data(), nullptr};
  std::vector<std::string> environment = environment_without(withheld);
  if (tracking_control >= 0) environment.push_back("JOBC_TRACKING_CONTROL_FD=3");
  std::vector<char*> envp;
  for (std::string& entry : environment) envp.push_back(entry.data());
  envp.push_back(nullptr);
  pid_t monitor = -1;
  int failed = posix_spawn(&monitor, self.c_str(), &actions, &attributes, argv, envp.data());
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  if (moved >= 0) close(moved);
  if (failed != 0)
    return fail(std::string("could not start the run monitor: ") + std::strerror(failed));
  return monitor;
}

int monitor_main(const std::filesystem::path& run_dir, const BackendFactory& make) {
  // The tracking endpoint the submitting jobc started: held open (not passed on to anything
  // this process starts) until the monitor ends, which stops it.
  if (const char* control = std::getenv("JOBC_TRACKING_CONTROL_FD")) {
    if (std::string(control) == "3") fcntl(kTrackingControlFd, F_SETFD, FD_CLOEXEC);
    unsetenv("JOBC_TRACKING_CONTROL_FD");
  }
  auto config = read_monitor_config(run_dir);
  if (!config) return 2;
  auto opened = RunStore::open(config->value("home", ""));
  if (!opened) return 2;
  std::unique_ptr<RunStore> store = std::move(opened).value();
  auto run = find_if_readable(*store, config->value("run_id", ""));
  if (!run) return 2;
  RunContext context = context_from_config(*config, *run, run_dir);
  std::unique_ptr<Backend> backend = make(run->backend, *config);
  if (!backend) {
    (void)store->finish(run->id, RunStatus::Failed, std::nullopt,
                        "unknown backend " + run->backend);
    return 2;
  }
  struct sigaction action {};
  action.sa_handler = on_cancel_signal;
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGHUP, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);
  run_to_completion(*store, context, *backend);
  write_final_status(context.run_dir, context.run);
  return 0;
}

Status reconcile_runs(RunStore& store, const BackendFactory& make) {
  remove_stale_staging(store.home() / "snapshots");
  if (Status removed = remove_abandoned_run_folders(store); !removed) return removed;
  Result<std::vector<RunRecord>> runs = store.list({});
  if (!runs) return runs.error();
  for (RunRecord& run : *runs) {
    if (is_terminal(run.status)) continue;
    bool never_started = run.monitor_pid == 0;
    if (never_started && now_ms() - handed_over_ms(store, run) < 30000) continue;  // starting
    if (!never_started &&
        same_process_alive(static_cast<pid_t>(run.monitor_pid), run.monitor_start)) {
      continue;
    }
    std::string reason = "jobc stopped before the run started";
    RunStatus status = RunStatus::Failed;
    std::optional<int> code;
    if (may_have_left_a_job(run)) {
      std::optional<JobExit> ended;
      Status stopped = stop_orphaned_job(store, run, make, &ended);
      std::string whose = never_started ? "jobc stopped after it submitted the job"
                                        : fmt::format(
                                              "the jobc process watching this run "
                                              "(pid {}) is gone",
                                              run.monitor_pid);
      reason = fmt::format("{}; {}", whose,
                           stopped ? "the job was stopped"
                                   : "the job may still be running: " + stopped.error().message);
      if (ended) {
        std::string how;
        status = outcome_of_exit(*ended, how);
        code = ended->code;
        reason = fmt::format("{}{}{}; the job had ended on its own", how, how.empty() ? "" : "; ",
                             whose);
      }
    }
    // Unless a monitor has just taken the run over.
    (void)store.finish_unwatched(run, status, code, reason);
  }
  return {};
}

}  // namespace jobc
