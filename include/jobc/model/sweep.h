// Sweep jobs: a trial command run once per sample of a search space.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "jobc/model/job.h"

namespace jobc::model {

// One hyperparameter of `search_space:`.
struct SearchParameter {
  std::string name;
  Location at;
  Field<std::string> type;  // choice, randint, uniform, loguniform, quniform, ..., qlognormal
  Value values;             // choice: a list (items may be maps of nested search spaces)
  Field<long long> upper;   // randint
  Field<double> min_value;  // uniform and its kin
  Field<double> max_value;
  Field<double> q;   // the q* kinds
  Field<double> mu;  // normal and its kin
  Field<double> sigma;
  // The parameter's mapping as written (null when unknown): Azure ML sends its numbers as
  // written, 1 and 1.0 apart, which the typed fields above cannot tell.
  Value written;
};

struct SamplingAlgorithm {
  Location at;
  bool written_as_string = false;  // `sampling_algorithm: random` rather than a mapping
  Field<std::string> type;         // random, grid, bayesian
  Field<long long> seed;           // random
  Field<std::string> rule;         // random: random or sobol
  Field<Value> logbase;            // random: a number or "e"
};

struct Objective {
  Location at;
  Field<std::string> goal;  // minimize, maximize
  Field<std::string> primary_metric;
};

struct SweepLimits {
  Location at;
  Field<long long> max_total_trials;
  Field<long long> max_concurrent_trials;
  Field<long long> timeout;
  Field<long long> trial_timeout;
};

struct EarlyTermination {
  Location at;
  Field<std::string> type;  // bandit, median_stopping, truncation_selection
  Field<long long> evaluation_interval;
  Field<long long> delay_evaluation;
  Field<double> slack_factor;              // bandit
  Field<double> slack_amount;              // bandit
  Field<long long> truncation_percentage;  // truncation_selection
};

struct SweepJob : JobCommon {
  CommandBody trial;
  std::vector<SearchParameter> search_space;  // sorted by name
  std::optional<SamplingAlgorithm> sampling_algorithm;
  std::optional<Objective> objective;
  std::optional<SweepLimits> limits;
  std::optional<EarlyTermination> early_termination;
  std::optional<Resources> resources;  // the sweep's own (top-level) resources
};

}  // namespace jobc::model
