// Staging for the Slurm backend: a run's files copied to STAGE (<staging_dir>/<run id>, a
// folder every node sees; layout in backends/slurm/slurm_job.h), and its outputs/ and logs/
// brought back into the run's folder when it ends.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "jobc/backend.h"
#include "jobc/model/job.h"
#include "jobc/output_set.h"
#include "jobc/result.h"

namespace jobc::slurm {

// Fills `stage`, which must not exist yet: the run's work folder (the code snapshot) and the
// job's local inputs copied, and `artifacts` (what compile made, the payload ready for the
// run) written into STAGE/artifacts by the one writer (write_artifacts).
Status stage_run(const model::JobCommon& job, const OutputSet& artifacts, const RunContext& context,
                 const std::filesystem::path& stage);

// Copies STAGE/work/outputs and STAGE/work/logs into `work_dir` (replacing older copies).
Status collect_outputs(const std::filesystem::path& stage, const std::filesystem::path& work_dir);

// Appends what `from` holds past `offset` to `to`; returns the new offset. A missing `from`
// (the job has not started) leaves it unchanged; a file that shrank starts over.
uint64_t append_new_bytes(const std::filesystem::path& from, const std::filesystem::path& to,
                          uint64_t offset);

}  // namespace jobc::slurm
