// Staging for the Slurm backend: a run's files copied to STAGE (<staging_dir>/<run id>, a
// folder every node sees; layout in codegen/slurm/slurm_job.h), and its outputs/ and logs/
// brought back into the run's folder when it ends.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "jobc/backend.h"
#include "jobc/validate.h"

namespace jobc::slurm {

// Copies the run's work folder (the code snapshot), its artifacts and the job's local
// inputs into `stage`, which must not exist yet.
bool stage_run(const LoadedSpec& spec, const RunContext& context,
               const std::filesystem::path& stage, std::string& error);

// Copies STAGE/work/outputs and STAGE/work/logs into `work_dir` (replacing older copies).
bool collect_outputs(const std::filesystem::path& stage, const std::filesystem::path& work_dir,
                     std::string& error);

// Appends what `from` holds past `offset` to `to`; returns the new offset. A missing `from`
// (the job has not started) leaves it unchanged; a file that shrank starts over.
uint64_t append_new_bytes(const std::filesystem::path& from, const std::filesystem::path& to,
                          uint64_t offset);

}  // namespace jobc::slurm
