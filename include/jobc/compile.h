// Compile: a validated spec -> artifacts (Dockerfile, conda file, launch script, REST
// payloads, manifest). Deterministic: same inputs, byte-identical output.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "jobc/output_set.h"
#include "jobc/validate.h"

namespace jobc {

class DigestPrefetch;
struct EnvironmentRecipe;

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

struct CompileResult {
  OutputSet outputs;
  InputRecord inputs;
  std::string environment_hash;  // empty when the spec has no environment to build
  // What the backends use at submit, so they never compile again: the model compiled, the
  // environment's recipe (null when there is none to build) and the job's name.
  std::shared_ptr<const model::Spec> model;
  std::shared_ptr<const EnvironmentRecipe> environment;
  std::string job_name;
};

// Compiles a validated spec (no errors in the sink). Problems found while compiling (an
// unreadable file, say) go to `sink`; the result is then incomplete.
CompileResult compile_spec(const LoadedSpec& spec, const CompileOptions& options,
                           DiagnosticSink& sink);

}  // namespace jobc
