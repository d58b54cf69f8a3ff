// The backend registry: the one table of the backends jobc has (compiler/backends/registry.cc).
// Each entry names its backend, the compute types and built-in compute names it answers to,
// what it can run, how to make it, and the artifacts only it needs. Generic code asks the
// registry; nothing outside a backend's own folder and the registry names a backend.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "jobc/backend.h"
#include "jobc/compile.h"
#include "jobc/diagnostics.h"
#include "jobc/generator.h"
#include "jobc/model/spec.h"

namespace jobc {

struct BackendCapabilities {
  long long max_instances = 1;             // instance_count it runs; 0: any
  std::vector<std::string> distributions;  // distribution types it runs ("mpi", ...)
  bool native_sweeps = false;              // runs a sweep job itself (Azure ML)
  bool on_this_machine = false;            // the job runs where jobc runs (local, docker)
  bool can_submit = true;                  // false: compile only (not built yet)
  bool builds_images = false;              // uses the environment's image (submit --rebuild)
  // docker_args options it does not implement are errors (E013) for a job that names it;
  // elsewhere they are warnings (W003), since Azure ML passes them on to `docker run`.
  bool refuses_unsupported_docker_args = false;
  // How the job sees its inputs (runs/run_inputs.cc):
  bool inputs_read_only_by_default = false;     // an input with no mode is read-only (a container)
  bool read_only_needs_private_mounts = false;  // ro_mount needs a private mount namespace
  bool stages_inputs = false;              // the job gets a staged copy of each input (a cluster)
  bool ignores_environment_image = false;  // runs this machine's programs, not the image
  bool uses_http = true;                   // talks HTTP (an engine, a daemon): load libcurl early
};

struct BackendEntry {
  std::string name;                        // "local", "docker", "slurm", "azureml"
  std::string title;                       // as messages name it: "Slurm", "Azure ML"
  std::vector<std::string> compute_types;  // compute spec `type:` values it runs
  std::vector<std::string> builtin_names;  // `compute: NAME` with no spec ("local", "docker")
  std::string reference_prefix;            // `compute: PREFIX:NAME` ("azureml:")
  BackendCapabilities capabilities;
  // A new Backend object; null when this build of jobc does not have it.
  std::unique_ptr<Backend> (*make)() = nullptr;
  // The backend's own rules for a job about to run on it (located diagnostics), e.g. the
  // docker_args options the Docker backend refuses. `compute` is null for a built-in name.
  void (*check_job)(const model::CommandBody& body, const model::Compute* compute,
                    DiagnosticSink& sink) = nullptr;
  // The backend's own rules for a compute spec of one of its types (located diagnostics),
  // run when the spec's model is built: `jobc validate` reports them.
  void (*check_compute)(const model::Compute& compute, DiagnosticSink& sink) = nullptr;
  // The environment variables holding the credentials the run monitor uses to reach
  // `compute` (a Slurm token_env): withheld from the job. Null: none.
  std::vector<std::string> (*credential_variables)(const model::Compute& compute) = nullptr;
  // The artifacts only this backend needs (the Slurm job, the Azure ML requests).
  GeneratorList (*generators)() = nullptr;
  // `jobc create`: creates or updates the environment or compute a compiled spec describes
  // where the backend keeps them (Azure ML's workspace). Null: the backend keeps none.
  Status (*create_resources)(const CompileResult& compiled, std::ostream& progress) = nullptr;
};

// Every backend, in a fixed order.
const std::vector<BackendEntry>& backend_registry();
const BackendEntry* find_backend(std::string_view name);
const BackendEntry* backend_for_compute_type(std::string_view type);
const BackendEntry* backend_for_builtin_name(std::string_view name);
const BackendEntry* backend_for_reference(std::string_view written);  // "azureml:cpu" -> azureml

// compile_with the core generators and `backend`'s own (a sweep's trial: only what its
// backend uses, not every backend's requests).
CompileResult compile_for_backend(std::shared_ptr<const model::Spec> spec,
                                  const BackendEntry& backend, const CompileOptions& options,
                                  DiagnosticSink& sink);

// Gives the front end what it needs to know of the backends (jobc/compute_rules.h). Every
// program that validates specs calls it first, once.
void install_backend_rules();

}  // namespace jobc
