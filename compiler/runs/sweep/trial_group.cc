#include "runs/sweep/trial_group.h"

#include <fmt/format.h>

#include <algorithm>

#include "jobc/backend_registry.h"
#include "runs/sweep/trial_spec.h"

namespace jobc {
Error trial_error(const DiagnosticSink& sink, const Error& otherwise) {
  for (const Diagnostic& diagnostic : sink.diagnostics()) {
    if (diagnostic.severity == Severity::Error) return fail(diagnostic.message);
  }
  return otherwise;
}

TrialLimits trial_limits(const model::SweepJob& sweep) {
  TrialLimits limits;
  const model::SweepLimits* written = sweep.limits ? &*sweep.limits : nullptr;
  limits.max_total = written ? written->max_total_trials.value_or(0) : 0;
  limits.max_concurrent = written ? written->max_concurrent_trials.value_or(0) : 0;
  if (limits.max_concurrent <= 0)
    limits.max_concurrent = limits.max_total > 0 ? limits.max_total : 1;
  limits.timeout_s = written ? written->timeout.value_or(0) : 0;
  return limits;
}

Result<CompileResult> compile_trial(const SweepPlan& plan, const sweep::Parameters& parameters) {
  const BackendEntry* backend = find_backend(plan.run.backend);
  if (!backend) return fail("no backend " + plan.run.backend);
  DiagnosticSink sink;
  CompileResult compiled =
      compile_for_backend(trial_spec(plan.sweep(), parameters), *backend, CompileOptions{}, sink);
  if (sink.has_errors()) return trial_error(sink, fail("the trial cannot run as written"));
  return compiled;
}

SubmitOptions trial_options(const SweepPlan& plan, int index, std::ostream* progress) {
  SubmitOptions options;
  options.compute = plan.compute;
  options.progress = progress;
  options.code_snapshot = plan.code ? &*plan.code : nullptr;
  options.parent_id = plan.run.id;
  options.run_name = fmt::format("{}_{}", plan.run.name, index);
  return options;
}

TrialGroup sample_trial_group(const TrialLimits& limits, sweep::Sampler& sampler, size_t started,
                              size_t active) {
  TrialGroup group;
  group.first = static_cast<int>(started);
  long long free = limits.max_concurrent - static_cast<long long>(active);
  bool learns = sampler.learns_from_results();
  if (free <= 0 || (!learns && active > 0)) return group;
  long long size = learns ? free : kMaxGroupSize;
  if (limits.max_total > 0) {
    size = std::min(size, limits.max_total - static_cast<long long>(started));
  }
  while (static_cast<long long>(group.parameters.size()) < size) {
    std::optional<sweep::Parameters> next = sampler.next();
    if (!next) {
      group.exhausted = group.last = true;
      break;
    }
    group.parameters.push_back(std::move(*next));
  }
  if (limits.max_total > 0 &&
      static_cast<long long>(started + group.parameters.size()) >= limits.max_total) {
    group.last = true;
  }
  long long count = static_cast<long long>(group.parameters.size());
  group.at_once = count > limits.max_concurrent ? limits.max_concurrent : 0;
  return group;
}

Status queue_trial_group(const SweepPlan& plan, TrialGroup& group, RunStore& store) {
  if (group.parameters.empty()) return fail("no trials to queue");
  Result<CompileResult> first = compile_trial(plan, group.parameters.front());
  if (!first) return first.error();
  group.first_compiled = std::move(*first);
  DiagnosticSink sink;
  SourceManager sources;
  Result<QueuedGroup> queued =
      queue_run_group(*group.first_compiled, trial_options(plan, group.first, nullptr),
                      group.parameters.size(), group.at_once, store, sources, sink);
  if (!queued) return trial_error(sink, queued.error());
  group.queued = std::move(*queued);
  return {};
}

Result<std::optional<FirstTrials>> queue_first_trials(const SweepPlan& plan, RunStore& store) {
  const BackendEntry* entry = find_backend(plan.run.backend);
  std::unique_ptr<Backend> backend = entry && entry->make ? entry->make() : nullptr;
  if (!backend || !backend->queues_groups()) return std::optional<FirstTrials>();
  auto sampler = sweep::make_sampler(plan.sweep(), plan.goal, plan.seed);
  if (!sampler) return sampler.error();
  FirstTrials first;
  first.sampler = std::move(*sampler);
  first.group = sample_trial_group(trial_limits(plan.sweep()), *first.sampler, 0, 0);
  if (first.group.parameters.empty()) return std::optional<FirstTrials>();  // nothing to run
  if (Status queued = queue_trial_group(plan, first.group, store); !queued) {
    return queued.error();
  }
  // The backend that queued them holds a connection the controller, a fork that closes every
  // descriptor it inherits, must not use: it gets a backend of its own.
  first.group.queued.backend = entry->make();
  return std::optional<FirstTrials>(std::move(first));
}

}  // namespace jobc
