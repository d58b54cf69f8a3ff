#include "backends/make_backend.h"

#include "backends/local/local_backend.h"

namespace jobc {

std::unique_ptr<Backend> make_backend(const std::string& name, const nlohmann::json& /*config*/) {
  if (name == "local") return std::make_unique<LocalBackend>();
  return nullptr;
}

}  // namespace jobc
