// Counts a schema cannot bound by itself: at least one instance, process, worker, trial.
#include <fmt/format.h>

#include "spec/model_builder/builders.h"

namespace jobc::model_builder {

void check_at_least(const Reader& reader, const std::string& pointer, long long minimum) {
  model::Field<long long> count = reader.integer(pointer);
  if (!count) return;  // the schema reports wrong types
  if (*count < minimum) {
    reader.sink().report(DiagCode::NonPositiveCount, count.at,
                         fmt::format("'{}' must be at least {}, not {}", pointer_to_dotted(pointer),
                                     minimum, *count));
  }
}

void check_distribution_counts(const Reader& reader, const std::string& base) {
  check_at_least(reader, base + "/resources/instance_count", 1);
  check_at_least(reader, base + "/distribution/process_count_per_instance", 1);
  check_at_least(reader, base + "/distribution/worker_count", 1);
  check_at_least(reader, base + "/distribution/parameter_server_count", 0);
  // worker_count is a total (as in Azure ML), run as the same share on each node.
  model::Field<long long> workers = reader.integer(base + "/distribution/worker_count");
  model::Field<long long> nodes = reader.integer(base + "/resources/instance_count");
  if (workers && nodes && *workers > 0 && *nodes > 0 && *workers % *nodes != 0) {
    reader.sink().report(
        DiagCode::OutOfRange, workers.at,
        fmt::format("'distribution.worker_count' ({}) must be a multiple of "
                    "'resources.instance_count' ({})",
                    *workers, *nodes),
        {"worker_count is the number of workers in all; each node runs the same number"});
  }
}

}  // namespace jobc::model_builder
