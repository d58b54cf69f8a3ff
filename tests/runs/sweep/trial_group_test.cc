// A sweep's trials in groups (runs/sweep/trial_group.h): how many the next group takes, and
// that a group's trials share one Slurm job, so queuing it with its first trial's is right.
#include "runs/sweep/trial_group.h"

#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "common/compiled_spec.h"
#include "common/temp_dir.h"
#include "jobc/backend_registry.h"
#include "runs/sweep/trial_spec.h"

namespace {

// A sweep on a Slurm compute spec with `rest` after its trial, compiled.
jobc::testing::CompiledSpec slurm_sweep(const std::filesystem::path& dir, const std::string& rest) {
  std::ofstream(dir / "hpc.yml") << "name: hpc\ntype: slurm\nendpoint: http://127.0.0.1:6820\n"
                                    "user: root\nstaging_dir: /shared/stage\ntoken_file: /t\n";
  return jobc::testing::compile_spec_text(
      dir,
      "$schema: https://azuremlschemas.azureedge.net/latest/sweepJob.schema.json\n"
      "type: sweep\ncompute: hpc.yml\n"
      "trial:\n  command: echo ${{search_space.x}} ${{search_space.y}}\n"
      "  environment: {image: python:3.11-slim}\n"
      "  environment_variables: {FIXED: one}\n"
      "objective: {goal: minimize, primary_metric: loss}\n" +
          rest);
}

std::unique_ptr<jobc::sweep::Sampler> sampler_of(const jobc::model::SweepJob& sweep) {
  auto sampler = jobc::sweep::make_sampler(sweep, jobc::sweep::Goal::Minimize, 7);
  REQUIRE_MESSAGE(sampler, sampler.error().message);
  return std::move(*sampler);
}

}  // namespace

TEST_SUITE("sweep") {
  TEST_CASE("a group takes every trial left when none is active, and none while any is") {
    jobc::testing::TempDir dir;
    auto compiled = slurm_sweep(dir.path,
                                "search_space:\n  x: {type: uniform, min_value: 0, max_value: 1}\n"
                                "  y: {type: choice, values: [a, b]}\n"
                                "sampling_algorithm: random\n"
                                "limits: {max_total_trials: 30, max_concurrent_trials: 4}\n");
    const jobc::model::SweepJob& sweep = *compiled.result.model->sweep_job();
    jobc::TrialLimits limits = jobc::trial_limits(sweep);
    CHECK(limits.max_total == 30);
    CHECK(limits.max_concurrent == 4);
    auto sampler = sampler_of(sweep);
    jobc::TrialGroup group = jobc::sample_trial_group(limits, *sampler, 0, 0);
    CHECK(group.first == 0);
    CHECK(group.parameters.size() == 30);
    CHECK(group.at_once == 4);
    CHECK(group.last);
    CHECK_FALSE(group.exhausted);
    CHECK(jobc::sample_trial_group(limits, *sampler, 10, 3).parameters.empty());
  }

  TEST_CASE("a grid's group ends where the grid does; a bayesian group is as many as can start") {
    jobc::testing::TempDir dir;
    auto grid = slurm_sweep(dir.path,
                            "search_space:\n  x: {type: choice, values: [1, 2, 3]}\n"
                            "  y: {type: choice, values: [a]}\n"
                            "sampling_algorithm: grid\n"
                            "limits: {max_total_trials: 10, max_concurrent_trials: 2}\n");
    const jobc::model::SweepJob& grid_sweep = *grid.result.model->sweep_job();
    auto grid_sampler = sampler_of(grid_sweep);
    jobc::TrialGroup all =
        jobc::sample_trial_group(jobc::trial_limits(grid_sweep), *grid_sampler, 0, 0);
    CHECK(all.parameters.size() == 3);
    CHECK(all.exhausted);
    CHECK(all.last);

    auto bayesian = slurm_sweep(dir.path,
                                "search_space:\n  x: {type: uniform, min_value: 0, max_value: 1}\n"
                                "  y: {type: choice, values: [a, b]}\n"
                                "sampling_algorithm: bayesian\n"
                                "limits: {max_total_trials: 10, max_concurrent_trials: 3}\n");
    const jobc::model::SweepJob& learning = *bayesian.result.model->sweep_job();
    jobc::TrialLimits limits = jobc::trial_limits(learning);
    auto learner = sampler_of(learning);
    jobc::TrialGroup some = jobc::sample_trial_group(limits, *learner, 4, 1);
    CHECK(some.first == 4);
    CHECK(some.parameters.size() == 2);  // three at once, one still active
    CHECK(some.at_once == 0);            // no more than can run: no limit needed
    CHECK_FALSE(some.last);
    CHECK(jobc::sample_trial_group(limits, *learner, 9, 0).parameters.size() == 1);
  }

  TEST_CASE("a sweep's trials compile to the same Slurm job but for its name") {
    jobc::testing::TempDir dir;
    auto compiled = slurm_sweep(dir.path,
                                "search_space:\n  x: {type: uniform, min_value: 0, max_value: 1}\n"
                                "  y: {type: choice, values: [a, b]}\n"
                                "sampling_algorithm: random\n"
                                "limits: {max_total_trials: 3}\n");
    const jobc::model::SweepJob& sweep = *compiled.result.model->sweep_job();
    const jobc::BackendEntry* slurm = jobc::find_backend("slurm");
    REQUIRE(slurm);
    auto sampler = sampler_of(sweep);
    std::vector<nlohmann::json> payloads;
    std::vector<std::string> launch_scripts;
    for (int i = 0; i < 3; ++i) {
      auto parameters = sampler->next();
      REQUIRE(parameters);
      jobc::DiagnosticSink sink;
      jobc::CompileResult trial = jobc::compile_for_backend(jobc::trial_spec(sweep, *parameters),
                                                            *slurm, jobc::CompileOptions{}, sink);
      REQUIRE_FALSE(sink.has_errors());
      const jobc::OutputSet::File* job = trial.outputs.find("slurm/job.json");
      const jobc::OutputSet::File* launch = trial.outputs.find("launch.sh");
      REQUIRE(job);
      REQUIRE(launch);
      nlohmann::json payload = nlohmann::json::parse(job->content);
      payload["job"].erase("name");
      payloads.push_back(payload);
      launch_scripts.push_back(launch->content);
    }
    CHECK(payloads[1] == payloads[0]);
    CHECK(payloads[2] == payloads[0]);
    // What differs, the parameters, is in each trial's launch script.
    CHECK(launch_scripts[1] != launch_scripts[0]);
    CHECK(launch_scripts[0].find("AZUREML_SWEEP_x") != std::string::npos);
  }
}
