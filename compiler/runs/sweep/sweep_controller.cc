#include "runs/sweep/sweep_controller.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <map>
#include <ostream>
#include <thread>

#include "jobc/backend_registry.h"
#include "jobc/submit.h"
#include "model/value_json.h"
#include "runs/cancel.h"
#include "runs/monitor.h"
#include "runs/prepared_run.h"
#include "runs/sweep/sweep_record.h"
#include "runs/sweep/trial_group.h"
#include "runs/tracking/metrics_store.h"
#include "support/process.h"
#include "sweep/early_termination.h"
#include "sweep/objective.h"

namespace jobc {
namespace {

using Clock = std::chrono::steady_clock;

// A trial started and not yet ended.
struct ActiveTrial {
  size_t slot = 0;  // in SweepRecord::trials
  sweep::Parameters parameters;
};

// Trials whose submit fails this many times in a row stop the sweep: the backend is broken.
constexpr int kMaxFailedStarts = 3;

// Up to this many active trials the controller reads their records one by one; above, all
// of the sweep's trials in one query.
constexpr size_t kReadEachUpTo = 16;

std::string parameters_text(const sweep::Parameters& parameters) {
  std::string text;
  for (const model::ValueMember& member : parameters.members) {
    text += (text.empty() ? "" : " ") + member.first + "=" + member.second.python_str();
  }
  return text;
}

class Controller {
 public:
  Controller(const SweepPlan& plan, RunStore& store, MetricsStore& metrics,
             const std::atomic<bool>& cancel, FirstTrials* first)
      : plan_(plan),
        sweep_(plan.sweep()),
        store_(store),
        metrics_(metrics),
        cancel_(cancel),
        first_(first),
        limits_(trial_limits(plan.sweep())) {
    log_fd_ = ::open((plan.run_dir / "std_log.txt").c_str(),
                     O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    max_total_ = limits_.max_total;
    max_concurrent_ = limits_.max_concurrent;
    timeout_s_ = limits_.timeout_s;
    record_.primary_metric = sweep_.objective ? sweep_.objective->primary_metric.value_or("") : "";
    record_.goal = plan.goal == sweep::Goal::Maximize ? "maximize" : "minimize";
    record_.sampling = plan.sampling;
    record_.seed = plan.seed;
    record_.max_total_trials = max_total_;
    record_.max_concurrent_trials = max_concurrent_;
  }
  ~Controller() {
    if (log_fd_ >= 0) ::close(log_fd_);
  }
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  void run() {
    RunRecord run = plan_.run;
    run.monitor_pid = getpid();
    run.monitor_start = process_start_time(getpid());
    if (Status updated = store_.update(run); !updated) {
      log("could not record the sweep's controller: " + updated.error().message);
      if (first_) stop_queued_group(first_->group.queued);  // no trial of it will be prepared
      return;  // ended meanwhile (canceled before it began)
    }
    run_ = run;
    // A backend that queues several runs as one job (Slurm: a job array) gets the trials in
    // groups; the others one by one.
    const BackendEntry* entry = find_backend(plan_.run.backend);
    std::unique_ptr<Backend> backend = entry && entry->make ? entry->make() : nullptr;
    in_groups_ = backend && backend->queues_groups();
    if (first_) {
      sampler_ = std::move(first_->sampler);
    } else {
      auto sampler = sweep::make_sampler(sweep_, plan_.goal, plan_.seed);
      if (!sampler) return end(RunStatus::Failed, sampler.error().message);
      sampler_ = std::move(*sampler);
    }
    log(fmt::format("sweep: {} sampling, seed {}, at most {} trials, {} at once; objective: {} {}",
                    plan_.sampling, plan_.seed,
                    max_total_ > 0 ? std::to_string(max_total_) : "unlimited", max_concurrent_,
                    record_.goal, record_.primary_metric));
    record_.state = "running";
    save();
    auto began = Clock::now();
    if (first_) start_queued(first_->group);  // queued by jobc submit
    std::string stop_reason;
    bool canceled = false;
    while (true) {
      if (cancel_.load()) {
        canceled = true;
        stop_all("canceled by the user (the sweep was canceled)");
        break;
      }
      if (timeout_s_ > 0 && Clock::now() - began >= std::chrono::seconds(timeout_s_)) {
        stop_reason = fmt::format("the sweep's limits.timeout ({} s) was reached", timeout_s_);
        stop_all("the sweep's limits.timeout was reached");
        break;
      }
      if (!stopped_starting_) in_groups_ ? start_group() : start_trials();
      refresh();
      apply_policy();
      if (changed_) save();
      if (active_.empty() && stopped_starting_) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(active_.empty() ? 5 : 10));
    }
    finish(canceled, stop_reason);
  }

 private:
  void log(const std::string& line) {
    if (log_fd_ < 0) return;
    std::string text = "[sweep] " + line + "\n";
    (void)!::write(log_fd_, text.data(), text.size());
  }

  void save() {
    changed_ = false;
    if (Status saved = write_sweep_record(plan_.run_dir, record_); !saved) {
      log("could not write sweep.json: " + saved.error().message);
    }
  }

  void start_trials() {
    while (!stopped_starting_ && static_cast<long long>(active_.size()) < max_concurrent_) {
      if (max_total_ > 0 && static_cast<long long>(record_.trials.size()) >= max_total_) {
        stopped_starting_ = true;
        break;
      }
      std::optional<sweep::Parameters> next = sampler_->next();
      if (!next) {
        log("the search space has no more trials");
        stopped_starting_ = true;
        break;
      }
      start_trial(std::move(*next));
    }
  }

  void start_trial(sweep::Parameters parameters) {
    int index = static_cast<int>(record_.trials.size());
    Result<RunRecord> started = submit_trial(parameters, index);
    record_trial(std::move(parameters), index, started);
  }

  // The next trials, sampled together and queued as one job before each is prepared
  // (trial_group.h): the scheduler has them all after one request.
  void start_group() {
    TrialGroup group =
        sample_trial_group(limits_, *sampler_, record_.trials.size(), active_.size());
    if (group.parameters.empty()) return note_sampled(group);
    if (Status queued = queue_trial_group(plan_, group, store_); !queued) {
      note_sampled(group);
      for (size_t i = 0; i < group.parameters.size(); ++i) {
        record_trial(std::move(group.parameters[i]), group.first + static_cast<int>(i),
                     queued.error());
      }
      return;
    }
    start_queued(group);
  }

  void note_sampled(const TrialGroup& group) {
    if (group.exhausted) log("the search space has no more trials");
    stopped_starting_ |= group.last;
  }

  // Prepares each trial of a queued group and lets its part of the job begin.
  void start_queued(TrialGroup& group) {
    note_sampled(group);
    size_t count = group.parameters.size();
    log(fmt::format("trials {} to {} went to {} as one job, at most {} at once", group.first,
                    group.first + static_cast<int>(count) - 1, plan_.run.backend,
                    group.at_once > 0 ? group.at_once : static_cast<long long>(count)));
    for (size_t i = 0; i < count; ++i) {
      int index = group.first + static_cast<int>(i);
      Result<CompileResult> compiled = i == 0 && group.first_compiled
                                           ? Result<CompileResult>(std::move(*group.first_compiled))
                                           : compile_trial(plan_, group.parameters[i]);
      Result<RunRecord> started = start_queued_trial(std::move(compiled), group.queued, i, index);
      record_trial(std::move(group.parameters[i]), index, started);
    }
  }

  Result<RunRecord> start_queued_trial(Result<CompileResult> compiled, QueuedGroup& group,
                                       size_t member, int index) {
    if (!compiled) {
      (void)group.backend->stop_orphaned(group.runs[member]);
      return compiled.error();
    }
    DiagnosticSink sink;
    SourceManager sources;
    Result<Submission> started = start_queued_run(
        *compiled, trial_options(plan_, index, &progress_), group, member, store_, sources, sink);
    if (!started) return trial_error(sink, started.error());
    return started_run(started);
  }

  void record_trial(sweep::Parameters parameters, int index, const Result<RunRecord>& started) {
    TrialRecord trial;
    trial.index = index;
    trial.parameters = model::to_json(parameters);
    trial.status = "Failed";
    changed_ = true;
    if (!started) {
      log(fmt::format("trial {} could not start: {}", trial.index, started.error().message));
      record_.trials.push_back(std::move(trial));
      if (++failed_starts_ >= kMaxFailedStarts) {
        start_failure_ = started.error().message;
        stopped_starting_ = true;
      }
      return;
    }
    failed_starts_ = 0;
    trial.run_id = started->id;
    // The trial's hyperparameters, as Azure ML shows a child run's: its parameters.
    TrackingBatch batch;
    for (const model::ValueMember& member : parameters.members) {
      batch.params.emplace_back(member.first, member.second.python_str());
    }
    if (Status recorded = metrics_.record(trial.run_id, batch); !recorded) {
      log("could not record trial " + std::to_string(trial.index) +
          "'s parameters: " + recorded.error().message);
    }
    trial.status = std::string(status_name(started->status));
    log(fmt::format("trial {} started: {} (run {})", trial.index, parameters_text(parameters),
                    trial.run_id));
    record_.trials.push_back(std::move(trial));
    if (!is_terminal(started->status)) {
      active_.push_back({record_.trials.size() - 1, std::move(parameters)});
    } else {
      ended(record_.trials.size() - 1, parameters);
    }
    if (run_.status == RunStatus::Queued) {
      run_.status = RunStatus::Running;
      run_.started_ms = now_ms();
      (void)store_.update(run_);
    }
  }

  Result<RunRecord> submit_trial(const sweep::Parameters& parameters, int index) {
    Result<CompileResult> compiled = compile_trial(plan_, parameters);
    if (!compiled) return compiled.error();
    DiagnosticSink sink;
    SourceManager sources;
    Result<Submission> submitted =
        submit_job(*compiled, trial_options(plan_, index, &progress_), store_, sources, sink);
    if (!submitted) return trial_error(sink, submitted.error());
    return started_run(submitted);
  }

  // A submitted trial's run (recorded Failed when its backend refused it, which is logged).
  Result<RunRecord> started_run(const Result<Submission>& submitted) {
    if (!submitted) return submitted.error();
    if (!submitted->start_error.empty()) log("trial refused: " + submitted->start_error);
    return submitted->run;
  }

  // Reads the primary metric of `slot`'s trial, in the order it was logged.
  std::vector<double> primary_series(const std::string& run_id) {
    std::vector<double> series;
    if (record_.primary_metric.empty() || run_id.empty()) return series;
    (void)metrics_.history(run_id, record_.primary_metric, [&](const MetricPoint& point) {
      series.push_back(point.value);
      return true;
    });
    return series;
  }

  void update_metric(size_t slot, const std::vector<double>& series) {
    std::optional<double> best = sweep::best_value(plan_.goal, series);
    TrialRecord& trial = record_.trials[slot];
    if (best != trial.metric &&
        !(best && trial.metric && std::isnan(*best) && std::isnan(*trial.metric))) {
      trial.metric = best;
      changed_ = true;
      update_best();
    }
    series_[trial.index] = series;
  }

  void update_best() {
    std::vector<std::optional<double>> values;
    for (const TrialRecord& trial : record_.trials) values.push_back(trial.metric);
    std::vector<int> order = sweep::best_first(plan_.goal, values);
    std::string best;
    if (!order.empty() && record_.trials[order.front()].metric) {
      best = record_.trials[order.front()].run_id;
    }
    if (best != record_.best_trial) {
      record_.best_trial = best;
      changed_ = true;
    }
  }

  // The records of the active trials: one read each while they are few, else the sweep's
  // trials in one read (a group may hold hundreds, most of them waiting).
  std::map<std::string, RunRecord> active_records() {
    std::map<std::string, RunRecord> records;
    if (active_.size() <= kReadEachUpTo) {
      for (const ActiveTrial& active : active_) {
        const std::string& id = record_.trials[active.slot].run_id;
        if (auto now = find_if_readable(store_, id)) records.emplace(id, std::move(*now));
      }
      return records;
    }
    RunFilter children;
    children.parent = plan_.run.id;
    if (auto listed = store_.list(children)) {
      for (RunRecord& run : *listed) records.emplace(run.id, std::move(run));
    }
    return records;
  }

  void refresh() {
    // The trials' monitors are this process's children: reap those that ended.
    while (waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    bool read_metrics = Clock::now() - metrics_read_ >= std::chrono::milliseconds(250);
    if (read_metrics) metrics_read_ = Clock::now();
    bool check_monitors = Clock::now() - monitors_checked_ >= std::chrono::seconds(1);
    if (check_monitors) monitors_checked_ = Clock::now();
    bool monitor_lost = false;
    std::map<std::string, RunRecord> trials = active_records();
    for (size_t i = 0; i < active_.size();) {
      TrialRecord& trial = record_.trials[active_[i].slot];
      auto found = trials.find(trial.run_id);
      std::optional<RunRecord> now;
      if (found != trials.end()) now = found->second;
      if (now && std::string(status_name(now->status)) != trial.status) {
        trial.status = std::string(status_name(now->status));
        changed_ = true;
      }
      if (now && is_terminal(now->status)) {
        ActiveTrial done = std::move(active_[i]);
        active_.erase(active_.begin() + static_cast<long>(i));
        ended(done.slot, done.parameters);
        continue;
      }
      if (read_metrics) update_metric(active_[i].slot, primary_series(trial.run_id));
      // A trial whose monitor is gone would stay Running for good: reconciled below.
      if (check_monitors && now && now->monitor_pid > 0 &&
          !same_process_alive(static_cast<pid_t>(now->monitor_pid), now->monitor_start)) {
        monitor_lost = true;
      }
      ++i;
    }
    if (monitor_lost) {
      log("a trial's monitor is gone: its run is ended from what its job left");
      if (Status reconciled = reconcile_runs(store_); !reconciled) {
        log("could not reconcile the trials: " + reconciled.error().message);
      }
    }
  }

  void ended(size_t slot, const sweep::Parameters& parameters) {
    TrialRecord& trial = record_.trials[slot];
    std::vector<double> series = primary_series(trial.run_id);
    update_metric(slot, series);
    if (trial.metric) sampler_->observe(parameters, *trial.metric);
    std::string metric =
        trial.metric ? fmt::format(", {} {}", record_.primary_metric, *trial.metric) : "";
    log(fmt::format("trial {} {}{}", trial.index, trial.status, metric));
    changed_ = true;
  }

  void apply_policy() {
    if (!sweep_.early_termination || !sweep_.early_termination->type) return;
    std::vector<sweep::TrialProgress> progress;
    for (const TrialRecord& trial : record_.trials) {
      auto found = series_.find(trial.index);
      if (found == series_.end() || found->second.empty()) continue;
      bool running = false;
      for (const ActiveTrial& active : active_) running |= active.slot == size_t(trial.index);
      progress.push_back({trial.index, found->second, running && trial.early_terminated.empty()});
    }
    const model::EarlyTermination& policy = *sweep_.early_termination;
    for (int index : sweep::trials_to_terminate(policy, plan_.goal, progress)) {
      TrialRecord& trial = record_.trials[size_t(index)];
      size_t interval = series_[index].size();
      trial.early_terminated =
          fmt::format("{} policy at interval {}", policy.type.value_or(""), interval);
      changed_ = true;
      log(fmt::format("trial {} early terminated: {}", index, trial.early_terminated));
      if (Status canceled = cancel_run(store_, trial.run_id,
                                       "early terminated by the sweep's " + trial.early_terminated);
          !canceled) {
        log(fmt::format("could not stop trial {}: {}", index, canceled.error().message));
      }
    }
  }

  // Cancels every active trial and waits (bounded) until they have ended.
  void stop_all(const std::string& why) {
    stopped_starting_ = true;
    for (const ActiveTrial& active : active_) {
      const TrialRecord& trial = record_.trials[active.slot];
      if (Status canceled = cancel_run(store_, trial.run_id, why); !canceled) {
        log(fmt::format("could not cancel trial {}: {}", trial.index, canceled.error().message));
      }
    }
    auto deadline = Clock::now() + std::chrono::seconds(60);
    while (!active_.empty() && Clock::now() < deadline) {
      refresh();
      if (!active_.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    for (const ActiveTrial& active : active_) {
      log(fmt::format("trial {} did not end within 60 s of its cancel",
                      record_.trials[active.slot].index));
    }
  }

  void finish(bool canceled, const std::string& stop_reason) {
    update_best();
    int completed = 0, terminated = 0;
    for (const TrialRecord& trial : record_.trials) {
      if (trial.status == "Completed") ++completed;
      if (!trial.early_terminated.empty()) ++terminated;
    }
    if (!record_.best_trial.empty()) {
      for (const TrialRecord& trial : record_.trials) {
        if (trial.run_id != record_.best_trial) continue;
        log(fmt::format("best trial: {} (run {}), {} {}: {}", trial.index, trial.run_id,
                        record_.primary_metric,
                        trial.metric ? fmt::format("{}", *trial.metric) : "",
                        fmt::format("{}", trial.parameters.dump())));
      }
    }
    if (canceled) return end(RunStatus::Canceled, "canceled by the user");
    std::string summary = fmt::format("{} trials: {} completed, {} early terminated",
                                      record_.trials.size(), completed, terminated);
    if (!start_failure_.empty()) {
      return end(RunStatus::Failed, "trials could not start: " + start_failure_);
    }
    if (completed + terminated == 0) {
      std::string why =
          record_.trials.empty() ? "no trial ran" : "no trial completed (" + summary + ")";
      return end(RunStatus::Failed, stop_reason.empty() ? why : stop_reason + "; " + why);
    }
    end(RunStatus::Completed, stop_reason.empty() ? "" : stop_reason + "; " + summary);
  }

  void end(RunStatus status, const std::string& reason) {
    record_.state = "ended";
    save();
    log(fmt::format("sweep {}{}", status_name(status), reason.empty() ? "" : ": " + reason));
    if (Status finished = store_.finish(plan_.run.id, status, std::nullopt, reason); !finished) {
      log("could not record the sweep's end: " + finished.error().message);
    }
  }

  const SweepPlan& plan_;
  const model::SweepJob& sweep_;
  RunStore& store_;
  MetricsStore& metrics_;
  const std::atomic<bool>& cancel_;
  FirstTrials* first_;  // queued by jobc submit; null when the controller starts every trial
  TrialLimits limits_;
  RunRecord run_;
  std::unique_ptr<sweep::Sampler> sampler_;
  SweepRecord record_;
  std::vector<ActiveTrial> active_;
  std::map<int, std::vector<double>> series_;  // each trial's primary metric, as last read
  long long max_total_ = 0;
  long long max_concurrent_ = 1;
  long long timeout_s_ = 0;
  bool stopped_starting_ = false;
  bool in_groups_ = false;  // the backend queues a group of trials as one job
  bool changed_ = false;
  int failed_starts_ = 0;
  std::string start_failure_;
  Clock::time_point metrics_read_{};
  Clock::time_point monitors_checked_{};
  std::ostream progress_{nullptr};  // what trials' backends say while they prepare: not shown
  int log_fd_ = -1;
};

}  // namespace

void run_sweep(const SweepPlan& plan, RunStore& store, MetricsStore& metrics,
               const std::atomic<bool>& cancel, FirstTrials* first) {
  Controller(plan, store, metrics, cancel, first).run();
}

}  // namespace jobc
