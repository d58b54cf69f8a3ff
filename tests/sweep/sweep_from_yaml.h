// Test helper: the model of a sweep job whose search space and sampling algorithm are given
// as YAML text, loaded and validated as `jobc validate` would (the test fails if it is not
// valid).
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "common/temp_dir.h"
#include "jobc/validate.h"

namespace jobc::testing {

// `search_space` and `sampling` are YAML blocks written at the top level of the spec, e.g.
// "search_space:\n  x:\n    type: uniform\n..." (sampling may be empty).
inline model::SweepJob sweep_from_yaml(const std::string& search_space,
                                       const std::string& sampling = "") {
  TempDir dir;
  std::ofstream(dir.path / "sweep.yml") << "type: sweep\n"
                                           "trial:\n"
                                           "  command: python t.py\n"
                                           "  environment:\n"
                                           "    image: python:3.11-slim\n"
                                           "compute: azureml:cpu\n"
                                           "objective:\n"
                                           "  goal: minimize\n"
                                           "  primary_metric: loss\n"
                                           "limits:\n"
                                           "  max_total_trials: 4\n"
                                        << search_space << sampling;
  SourceManager sources;
  DiagnosticSink sink;
  auto loaded = load_and_validate((dir.path / "sweep.yml").string(), {}, sources, sink);
  REQUIRE(loaded.has_value());
  for (const auto& diagnostic : sink.diagnostics()) MESSAGE(diagnostic.message);
  REQUIRE(sink.error_count() == 0);
  REQUIRE(loaded->model != nullptr);
  const model::SweepJob* sweep = loaded->model->sweep_job();
  REQUIRE(sweep != nullptr);
  return *sweep;
}

}  // namespace jobc::testing
