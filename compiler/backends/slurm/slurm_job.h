// Emits slurm/job.json: the slurmrestd job-submit payload (API v0.0.38) of a command job that
// runs on a Slurm compute spec, with the batch script it carries. No secret is ever in it:
// the token stays with the process that talks to slurmrestd.
//
// Staging. The backend copies each run to STAGE = <staging_dir>/<run id>/, a folder every
// node sees:
//   STAGE/work/         the code snapshot: the job's working folder (it makes outputs/, logs/)
//   STAGE/artifacts/    what `jobc compile` wrote (launch.sh, slurm/job.json, ...)
//   STAGE/inputs/NAME/  each local input: a copy of the file or folder the spec names
//   STAGE/std_log.txt   the job's stdout and stderr, in one file
// The run id is unknown at compile time, so the payload says kSlurmRunIdPlaceholder
// wherever it belongs (only in string values: paths, the environment, the comment); the
// backend replaces it at submit (slurm_payload_for_run).
//
// Distribution. Slurm runs the batch script on the first node of the allocation:
//   * one instance, or mpi on any number: launch.sh runs there once; for mpi it calls
//     mpirun, which finds the allocation's nodes and slots itself;
//   * several instances otherwise (pytorch, tensorflow, a plain command): srun starts one
//     launch.sh per node (SLURM_NODEID is its node rank), with JOBC_MASTER_ADDR set to the
//     first node; each starts that node's processes.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "backends/slurm/slurm_compute.h"
#include "jobc/generator.h"
#include "jobc/model/job.h"

namespace jobc {

inline constexpr std::string_view kSlurmRunIdPlaceholder = "@JOBC_RUN_ID@";
// The slurmrestd API the payload is written for.
inline constexpr std::string_view kSlurmApiVersion = "v0.0.38";

// The Slurm compute spec a job names in `compute:` (a compute spec file of type slurm), or
// null when it runs elsewhere.
const model::Compute* job_slurm_compute(const model::Spec& spec);

// The job-submit payload of command job `job` on `compute`, named `job_name`.
// Deterministic: the same job and compute give the same payload.
nlohmann::json slurm_job_payload(const model::CommandJob& job, const slurm::SlurmCompute& compute,
                                 const std::string& job_name);

// slurm/job.json, for a command job whose compute is a Slurm compute spec; nothing otherwise.
class SlurmJobGenerator : public Generator {
 public:
  std::string_view name() const override { return "slurm-job"; }
  void generate(GeneratorContext& context) const override;
};

// The Slurm entry's generators (backend_registry.h).
GeneratorList slurm_generators();

// STAGE for a run (`run_id` may be the placeholder).
std::filesystem::path slurm_stage_dir(const slurm::SlurmCompute& compute, std::string_view run_id);

// Where an input is staged, relative to STAGE: inputs/NAME/<last part of its path> (of the
// URL's path for an https:// file, which submit downloaded).
std::string slurm_staged_input(const std::string& name, const std::string& path);

// `payload` with the run-id placeholder replaced in every string value.
nlohmann::json slurm_payload_for_run(nlohmann::json payload, const std::string& run_id);

// Slurm's time limit, in whole minutes (rounded up), for limits.timeout in seconds; 0: none.
long long slurm_time_limit_minutes(long long timeout_seconds);

}  // namespace jobc
