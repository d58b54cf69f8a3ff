// The model builder's view of one loaded spec: its values at JSON pointers, converted to the
// model's types with the place each was written (a --set value: its override's place).
// Only the front end includes this.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "jobc/model/spec.h"
#include "jobc/validate.h"

namespace jobc::model_builder {

class Reader {
 public:
  Reader(const LoadedSpec& spec, const SourceManager& sources, DiagnosticSink& sink)
      : spec_(spec), sources_(sources), sink_(sink) {}
  // The same sources and sink, for a spec this one names by path.
  Reader for_spec(const LoadedSpec& spec) const { return Reader(spec, sources_, sink_); }

  const LoadedSpec& spec() const { return spec_; }
  // The text of every file read (diagnostics point into a command's or docker_args' text).
  const SourceManager& sources() const { return sources_; }
  // Where the checks that need the model's meaning report.
  DiagnosticSink& sink() const { return sink_; }
  const SpecDocument& doc() const { return spec_.doc; }
  const nlohmann::json* find(const std::string& pointer) const;
  bool has(const std::string& pointer) const { return find(pointer) != nullptr; }
  Location at(const std::string& pointer) const { return doc().map.value_location(pointer); }
  Location key_at(const std::string& pointer) const { return doc().map.key_location(pointer); }
  // The keys of the mapping at `pointer`, sorted; none when it is not a mapping.
  std::vector<std::string> keys(const std::string& pointer) const;
  // The place of characters [offset, offset + length) of the text value at `pointer`; the
  // value's start when they cannot be found in the source.
  Location within(const std::string& pointer, size_t offset, size_t length) const;

  model::Value value(const std::string& pointer) const;  // null (at its parent) when absent
  model::Field<std::string> text(const std::string& pointer) const;
  model::Field<long long> integer(const std::string& pointer) const;
  model::Field<double> number(const std::string& pointer) const;
  model::Field<bool> boolean(const std::string& pointer) const;
  model::Field<model::Value> any(const std::string& pointer) const;

  model::SpecSource source() const;

 private:
  template <class T>
  model::Field<T> located(const std::string& pointer) const;
  const LoadedSpec& spec_;
  const SourceManager& sources_;
  DiagnosticSink& sink_;
};

// `node` (the value at `pointer` of a document whose locations are in `map`) as a Value.
model::Value make_value(const nlohmann::json& node, const SourceMap& map,
                        const std::string& pointer);

}  // namespace jobc::model_builder
