// Values that name something elsewhere rather than a local path.
#pragma once

#include <string>

namespace jobc {

// azureml:..., URLs and git references are not local paths.
bool is_remote_reference(const std::string& value);

}  // namespace jobc
