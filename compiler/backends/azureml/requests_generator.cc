#include "backends/azureml/requests_generator.h"

#include "backends/azureml/requests.h"

namespace jobc {
namespace {

// `value` as an artifact's text; reports (and returns nullopt for) text that is not UTF-8.
std::optional<std::string> artifact_text(GeneratorContext& context, const nlohmann::json& value,
                                         const char* path) {
  try {
    return value.dump(2) + "\n";
  } catch (const nlohmann::json::exception&) {
    // Only text that is not UTF-8 fails; the front end lets none through, so this is a bug.
    const std::string& spec = context.spec.source().display_path;
    context.sink.report(DiagCode::NotText, {spec, 0, 0},
                        std::string(path) + " would hold text that is not valid UTF-8");
    return std::nullopt;
  }
}

}  // namespace

void AzureMlRequestsGenerator::generate(GeneratorContext& context) const {
  nlohmann::json uploads = nlohmann::json::array();
  AzureMlContext azure{context.spec,   context.options.scope, context.job_name,
                       context.inputs, context.sink,          context.options.prefetch};
  azure.uploads = &uploads;
  nlohmann::json requests = azureml_requests(azure);
  if (requests.empty()) return;  // a compute spec of another backend: nothing for Azure ML
  auto text = artifact_text(context, requests, "azureml/requests.json");
  if (!text) return;
  context.outputs.add("azureml/requests.json", std::move(*text));
  // What the submitter uploads before it sends the requests (azureml_backend.cc).
  if (uploads.empty()) return;
  if (auto listed = artifact_text(context, uploads, "azureml/uploads.json")) {
    context.outputs.add("azureml/uploads.json", std::move(*listed));
  }
}

}  // namespace jobc
