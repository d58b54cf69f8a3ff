// A job's `code:`: a local folder or file becomes an anonymous code version (uploaded to the
// default datastore, named after its upload hash); a reference becomes the id it names.
#pragma once

#include <optional>
#include <string>

#include "backends/azureml/requests.h"

namespace jobc::azureml {

struct CodeAsset {
  std::string id;          // the job's codeId
  nlohmann::json request;  // the code version PUT; null for a reference
};

// The `code:` of a command job or a sweep's trial; nullopt when there is none or it cannot be
// read (reported).
std::optional<CodeAsset> code_asset(const AzureMlContext& context, const model::CommandBody& body);

}  // namespace jobc::azureml
