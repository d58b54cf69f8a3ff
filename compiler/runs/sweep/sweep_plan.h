// What a sweep's controller works from: the sweep as compiled, its recorded run, and the code
// snapshot every trial shares. Made by prepare_sweep (runs/sweep/sweep_submit.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "jobc/model/spec.h"
#include "jobc/run_record.h"
#include "jobc/snapshot.h"
#include "sweep/sampler.h"

namespace jobc {

struct SweepPlan {
  std::shared_ptr<const model::Spec> spec;  // the sweep job
  RunRecord run;                            // the sweep run, as recorded
  std::filesystem::path run_dir;
  std::optional<Snapshot> code;  // taken once at submit; none when the trial has no code
  std::string compute;           // --compute, for every trial
  sweep::Goal goal = sweep::Goal::Minimize;
  std::uint64_t seed = 0;  // the sampler's seed (the spec's, else one chosen at submit)
  std::string sampling;    // grid, random, sobol or bayesian

  const model::SweepJob& sweep() const { return *spec->sweep_job(); }
};

}  // namespace jobc
