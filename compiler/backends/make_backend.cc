#include "backends/make_backend.h"

#include "backends/docker/docker_backend.h"
#include "backends/local/local_backend.h"
#include "backends/slurm/slurm_backend.h"

namespace jobc {
std::unique_ptr<Backend> make_backend(const std::string& name, const nlohmann::json& /*config*/) {
  if (name == "local") return std::make_unique<LocalBackend>();
  if (name == "slurm") return std::make_unique<SlurmBackend>();
  if (name == "docker") return std::make_unique<DockerBackend>();
  return nullptr;
}

}  // namespace jobc
