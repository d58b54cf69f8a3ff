// The generator of azureml/requests.json (see requests.h), the Azure ML backend's artifact.
#pragma once

#include "jobc/generator.h"

namespace jobc {

class AzureMlRequestsGenerator : public Generator {
 public:
  std::string_view name() const override { return "azureml"; }
  void generate(GeneratorContext& context) const override;
};

}  // namespace jobc
