#include "backends/azureml/requests_generator.h"

#include "backends/azureml/requests.h"

namespace jobc {

void AzureMlRequestsGenerator::generate(GeneratorContext& context) const {
  AzureMlContext azure{context.spec,   context.options.scope, context.job_name,
                       context.inputs, context.sink,          context.options.prefetch};
  nlohmann::json requests = azureml_requests(azure);
  if (requests.empty()) return;  // a compute spec of another backend: nothing for Azure ML
  std::string text;
  try {
    text = requests.dump(2) + "\n";
  } catch (const nlohmann::json::exception&) {
    // Only text that is not UTF-8 fails; the front end lets none through, so this is a bug.
    const std::string& spec = context.spec.source().display_path;
    context.sink.report(DiagCode::NotText, {spec, 0, 0},
                        "azureml/requests.json would hold text that is not valid UTF-8");
    return;
  }
  context.outputs.add("azureml/requests.json", std::move(text));
}

}  // namespace jobc
