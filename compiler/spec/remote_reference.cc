#include "spec/remote_reference.h"

#include "support/char_scan.h"

namespace jobc {

bool is_remote_reference(const std::string& value) {
  return value.starts_with("azureml:") || value.starts_with("git+") || url_scheme_length(value) > 0;
}

}  // namespace jobc
