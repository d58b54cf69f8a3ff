#include "embedded/embedded.h"

namespace jobc::embedded {

std::optional<std::string_view> find(const std::vector<EmbeddedFile>& table,
                                     std::string_view name) {
  for (const auto& file : table) {
    if (file.name == name) return file.content;
  }
  return std::nullopt;
}

}  // namespace jobc::embedded
