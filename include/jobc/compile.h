// Compile: a spec's model -> artifacts (Dockerfile, conda file, launch script, each backend's
// files, manifest), each made by a Generator (jobc/generator.h) into one OutputSet.
// Deterministic: same inputs, byte-identical output.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "jobc/generator.h"
#include "jobc/model/spec.h"
#include "jobc/output_set.h"
#include "jobc/validate.h"

namespace jobc {

class DigestPrefetch;
struct EnvironmentRecipe;  // codegen/environment_recipe.h

// The Azure ML workspace the REST requests are addressed to. Without one, the paths keep
// `{subscriptionId}`-style placeholders.
struct WorkspaceScope {
  std::string subscription = "{subscriptionId}";
  std::string resource_group = "{resourceGroupName}";
  std::string workspace = "{workspaceName}";
  std::string location = "{location}";
  // "/subscriptions/S/resourceGroups/G/providers/Microsoft.MachineLearningServices/workspaces/W"
  std::string arm_prefix() const;
};

// Every file a compilation read, for the manifest and the depfile.
class InputRecord {
 public:
  // `path` as the compiler opened it; `shown` relative to the spec's folder.
  void add(const std::filesystem::path& path, const std::string& shown);
  const std::map<std::string, std::filesystem::path>& files() const { return files_; }

 private:
  std::map<std::string, std::filesystem::path> files_;
};

struct CompileOptions {
  WorkspaceScope scope;
  // A name for a job that has none; empty: derived from the content hash (deterministic).
  std::string job_name;
  // Upload hashes already under way (see codegen/digest_prefetch.h); null: computed in place.
  const DigestPrefetch* prefetch = nullptr;
};

// What a compilation made. Backends use it as it is: they never compile again.
struct CompileResult {
  std::shared_ptr<const model::Spec> model;  // what was compiled
  // The environment's recipe, made once (a registered one has only its reference); null when
  // the spec has no environment.
  std::shared_ptr<const EnvironmentRecipe> environment;
  std::string job_name;  // jobs: given (the spec, --job-name) or derived from the content
  WorkspaceScope scope;  // the Azure ML workspace it was compiled for
  OutputSet outputs;
  InputRecord inputs;
  std::string environment_hash;  // empty when the spec has no environment to build
};

// The generators of every compilation: the environment's files and launch.sh. The manifest
// is not among them: compile_with runs it itself, last, to describe everything else.
GeneratorList core_generators();

// Runs `generators` on `spec` (a model without errors), then the manifest. Problems found
// while compiling (an unreadable file, say) go to `sink`; the result is then incomplete.
CompileResult compile_with(std::shared_ptr<const model::Spec> spec, const GeneratorList& generators,
                           const CompileOptions& options, DiagnosticSink& sink);

// compile_with the core generators and every backend's (the registry's `generators`).
// In compiler/backends/compile_spec.cc: it reads the backend registry, a layer above codegen.
CompileResult compile_spec(std::shared_ptr<const model::Spec> spec, const CompileOptions& options,
                           DiagnosticSink& sink);
// The same for a validated spec: compiles `spec.model` (nothing when it has none).
CompileResult compile_spec(const LoadedSpec& spec, const CompileOptions& options,
                           DiagnosticSink& sink);

}  // namespace jobc
