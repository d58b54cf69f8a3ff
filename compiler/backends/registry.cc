// The one table of backends (see jobc/backend_registry.h). Adding a backend: its folder under
// compiler/backends/, one entry here, and its compute schema.
#include "jobc/backend_registry.h"

#include "backends/azureml/azureml_backend.h"
#include "backends/azureml/azureml_compute_checks.h"
#include "backends/azureml/azureml_job_check.h"
#include "backends/azureml/requests_generator.h"
#include "backends/azureml/service/credential.h"
#include "backends/azureml/workspace_create.h"
#include "backends/docker/docker_backend.h"
#include "backends/docker/docker_job_check.h"
#include "backends/local/local_backend.h"
#include "backends/slurm/slurm_backend.h"
#include "backends/slurm/slurm_compute.h"
#include "backends/slurm/slurm_compute_checks.h"
#include "backends/slurm/slurm_job.h"

namespace jobc {
namespace {

template <class B>
std::unique_ptr<Backend> make() {
  return std::make_unique<B>();
}

std::vector<BackendEntry> make_registry() {
  std::vector<BackendEntry> entries;
  {
    BackendEntry local;
    local.name = "local";
    local.title = "local";
    local.compute_types = {"local"};
    local.builtin_names = {"local"};
    local.capabilities.max_instances = 1;
    local.capabilities.distributions = {"mpi", "pytorch", "tensorflow"};
    local.capabilities.on_this_machine = true;
    local.capabilities.read_only_needs_private_mounts = true;
    local.capabilities.ignores_environment_image = true;
    local.capabilities.uses_http = false;
    local.make = make<LocalBackend>;
    entries.push_back(std::move(local));
  }
  {
    BackendEntry docker;
    docker.name = "docker";
    docker.title = "Docker";
    docker.compute_types = {"docker"};
    docker.builtin_names = {"docker"};
    docker.capabilities.max_instances = 1;
    docker.capabilities.distributions = {"mpi", "pytorch", "tensorflow"};
    docker.capabilities.on_this_machine = true;
    docker.capabilities.builds_images = true;
    docker.capabilities.refuses_unsupported_docker_args = true;
    docker.capabilities.inputs_read_only_by_default = true;
    docker.make = make<DockerBackend>;
    docker.check_job = docker::check_job;
    entries.push_back(std::move(docker));
  }
  {
    BackendEntry slurm;
    slurm.name = "slurm";
    slurm.title = "Slurm";
    slurm.compute_types = {"slurm"};
    slurm.capabilities.max_instances = 0;
    slurm.capabilities.distributions = {"mpi", "pytorch", "tensorflow"};
    slurm.capabilities.stages_inputs = true;
    slurm.make = make<SlurmBackend>;
    slurm.check_compute = check_slurm_compute;
    slurm.credential_variables = slurm::credential_variables;
    slurm.generators = slurm_generators;
    entries.push_back(std::move(slurm));
  }
  {
    BackendEntry azureml;
    azureml.name = "azureml";
    azureml.title = "Azure ML";
    azureml.compute_types = {"amlcompute"};
    azureml.reference_prefix = "azureml:";
    azureml.capabilities.max_instances = 0;
    azureml.capabilities.distributions = {"mpi", "pytorch", "tensorflow"};
    azureml.capabilities.native_sweeps = true;
    azureml.make = make<AzureMlBackend>;
    azureml.check_job = azureml::check_job;
    azureml.check_compute = check_azureml_compute;
    azureml.create_resources = azureml::create_in_workspace;
    azureml.credential_variables = [](const model::Compute&) {
      return azureml::credential_variables();
    };
    azureml.generators = [] {
      GeneratorList generators;
      generators.push_back(std::make_unique<AzureMlRequestsGenerator>());
      return generators;
    };
    entries.push_back(std::move(azureml));
  }
  return entries;
}

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool contains(const std::vector<std::string>& names, std::string_view name) {
  for (const std::string& candidate : names)
    if (candidate == name) return true;
  return false;
}

}  // namespace

const std::vector<BackendEntry>& backend_registry() {
  static const std::vector<BackendEntry> entries = make_registry();
  return entries;
}

const BackendEntry* find_backend(std::string_view name) {
  for (const BackendEntry& entry : backend_registry())
    if (entry.name == name) return &entry;
  return nullptr;
}

const BackendEntry* backend_for_compute_type(std::string_view type) {
  std::string wanted = lower_ascii(type);
  for (const BackendEntry& entry : backend_registry())
    if (contains(entry.compute_types, wanted)) return &entry;
  return nullptr;
}

const BackendEntry* backend_for_builtin_name(std::string_view name) {
  for (const BackendEntry& entry : backend_registry())
    if (contains(entry.builtin_names, name)) return &entry;
  return nullptr;
}

const BackendEntry* backend_for_reference(std::string_view written) {
  for (const BackendEntry& entry : backend_registry())
    if (!entry.reference_prefix.empty() && written.starts_with(entry.reference_prefix))
      return &entry;
  return nullptr;
}

}  // namespace jobc
