// The Generator interface, as protoc's CodeGenerator: each artifact of a compilation (the
// environment's Dockerfile and conda file, launch.sh, the Azure ML requests, the Slurm job,
// the manifest) is made by one generator from the model, into the one OutputSet. Generators
// never touch the filesystem except to read the files the spec names (recorded in `inputs`).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "jobc/diagnostics.h"
#include "jobc/model/spec.h"
#include "jobc/output_set.h"

namespace jobc {

struct CompileOptions;
struct EnvironmentRecipe;
class InputRecord;

struct GeneratorContext {
  const model::Spec& spec;
  const CompileOptions& options;
  // The environment's recipe (image, conda packages, build context, content hash), made once
  // before the generators run; null when the spec has no environment to build.
  const EnvironmentRecipe* environment;
  std::string job_name;  // jobs: the name, given or derived from the content
  InputRecord& inputs;   // every file a generator reads, for the manifest and the depfile
  OutputSet& outputs;
  DiagnosticSink& sink;
};

class Generator {
 public:
  virtual ~Generator() = default;
  // For messages and `--only`-style selection: "dockerfile", "launch-script", "azureml", ...
  virtual std::string_view name() const = 0;
  // Adds this generator's files (possibly none: a Slurm job for a job that runs elsewhere).
  virtual void generate(GeneratorContext& context) const = 0;
};

using GeneratorList = std::vector<std::unique_ptr<Generator>>;

}  // namespace jobc
