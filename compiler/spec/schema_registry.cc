#include "spec/schema_registry.h"

#include <map>
#include <mutex>

#include "embedded/embedded.h"

namespace jobc {

const nlohmann::json* schema_document(std::string_view file) {
  static std::mutex mutex;
  static std::map<std::string, nlohmann::json, std::less<>> parsed;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto it = parsed.find(file); it != parsed.end()) return &it->second;
  auto text = embedded::find(embedded::schemas(), file);
  if (!text) return nullptr;
  // The schemas are ours and checked by tests, so a parse failure is a build defect.
  auto [it, inserted] = parsed.emplace(std::string(file), nlohmann::json::parse(*text));
  return &it->second;
}

std::string_view schema_text(SpecKind kind) {
  return embedded::find(embedded::schemas(), kind_schema_file(kind)).value_or("");
}

}  // namespace jobc
