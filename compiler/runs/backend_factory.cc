#include "runs/backend_factory.h"

#include "jobc/backend_registry.h"

namespace jobc {

std::unique_ptr<Backend> registry_backend(const std::string& name,
                                          const nlohmann::json& /*config*/) {
  const BackendEntry* entry = find_backend(name);
  if (!entry || !entry->make) return nullptr;
  return entry->make();
}

}  // namespace jobc
