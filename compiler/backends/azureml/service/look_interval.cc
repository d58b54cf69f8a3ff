// How often to look at a job: as often as the SDK's jobs.stream(), and no more.
#include <algorithm>
#include <cmath>

#include "backends/azureml/service/job_watch.h"

namespace jobc::azureml {

std::chrono::milliseconds look_interval(std::chrono::milliseconds waited) {
  // ml/operations/_job_ops_helper.py: _get_sleep_duration / _wait_before_polling.
  double t = std::chrono::duration<double>(waited).count();
  double seconds = std::max(2.0, 60.0 / (1.0 + 100.0 * std::exp(-t / 20.0)));
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

}  // namespace jobc::azureml
