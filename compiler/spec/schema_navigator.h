// Finds the schema that describes a value at a JSON pointer, for error messages
// (expected types, allowed keys for "did you mean", descriptions). Validation itself is
// valijson's; this only reads the schema the way a person would.
#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace jobc {

class SchemaNavigator {
 public:
  // `file` is the root schema document ("command_job.schema.json"); `instance` the spec.
  SchemaNavigator(std::string file, const nlohmann::json& instance);

  // The subschemas that apply at `pointer`, with $ref, allOf and if/then/else followed.
  std::vector<const nlohmann::json*> at(const std::string& pointer) const;
  // Property names allowed in the object at `pointer`.
  std::set<std::string> property_names(const std::string& pointer) const;
  // The first value of `keyword` among the subschemas at `pointer`, or null.
  nlohmann::json keyword(const std::string& pointer, const std::string& keyword) const;

 private:
  struct Ref {
    std::string file;
    const nlohmann::json* schema;
  };
  void expand(Ref ref, const nlohmann::json* instance, std::vector<Ref>& out, int depth) const;
  std::vector<Ref> step(const std::vector<Ref>& schemas, const std::string& token,
                        const nlohmann::json* child) const;

  std::string file_;
  const nlohmann::json& instance_;
};

}  // namespace jobc
