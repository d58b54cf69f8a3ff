// Where a downloaded blob may land: blob names come from the service (or anyone who can
// write to the container), so a name that would leave the destination folder is refused.
#pragma once

#include <filesystem>
#include <string_view>

#include "jobc/result.h"

namespace jobc::azureml {

// The relative local path for `name` (a blob name with its prefix removed): '/'-separated
// segments, none empty, "." or ".."; no leading '/', no backslash, no control character.
// A trailing '/' (a folder marker's name) is allowed and dropped.
Result<std::filesystem::path> local_path_for_blob(std::string_view name);

}  // namespace jobc::azureml
