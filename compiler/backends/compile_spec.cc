// compile_spec: the core generators plus every backend's, from the registry. Here, not in
// codegen, because the registry is a layer above codegen.
#include "jobc/backend_registry.h"
#include "jobc/compile.h"

namespace jobc {

CompileResult compile_spec(std::shared_ptr<const model::Spec> spec, const CompileOptions& options,
                           DiagnosticSink& sink) {
  GeneratorList generators = core_generators();
  for (const BackendEntry& backend : backend_registry()) {
    if (!backend.generators) continue;
    for (auto& generator : backend.generators()) generators.push_back(std::move(generator));
  }
  return compile_with(std::move(spec), generators, options, sink);
}

CompileResult compile_for_backend(std::shared_ptr<const model::Spec> spec,
                                  const BackendEntry& backend, const CompileOptions& options,
                                  DiagnosticSink& sink) {
  GeneratorList generators = core_generators();
  if (backend.generators) {
    for (auto& generator : backend.generators()) generators.push_back(std::move(generator));
  }
  return compile_with(std::move(spec), generators, options, sink);
}

CompileResult compile_spec(const LoadedSpec& spec, const CompileOptions& options,
                           DiagnosticSink& sink) {
  if (!spec.model) return {};
  return compile_spec(spec.model, options, sink);
}

}  // namespace jobc
