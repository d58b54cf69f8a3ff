// TensorFlow's worker_count is the number of workers in all, as in Azure ML (which defaults
// it to instance_count): each of the job's nodes runs the same share. The model's checks
// refuse a worker_count that is not a multiple of instance_count.
#pragma once

#include <algorithm>
#include <nlohmann/json.hpp>

#include "jobc/model/job.h"

namespace jobc {

inline long long tensorflow_workers_per_node(const model::CommandBody& body) {
  long long nodes = 1;
  if (body.resources) nodes = std::max(1LL, body.resources->instance_count.value_or(1));
  long long workers = nodes;
  if (body.distribution) workers = std::max(1LL, body.distribution->worker_count.value_or(nodes));
  return std::max(1LL, workers / nodes);
}

// Transitional: the same from the job's JSON, for codegen/slurm until it moves to
// backends/slurm and reads the model. Delete then.
inline long long tensorflow_workers_per_node(const nlohmann::json& job) {
  long long nodes = 1;
  if (auto resources = job.find("resources"); resources != job.end() && resources->is_object()) {
    nodes = std::max(1LL, resources->value("instance_count", 1LL));
  }
  long long workers = nodes;
  if (auto distribution = job.find("distribution");
      distribution != job.end() && distribution->is_object()) {
    workers = std::max(1LL, distribution->value("worker_count", nodes));
  }
  return std::max(1LL, workers / nodes);
}

}  // namespace jobc
