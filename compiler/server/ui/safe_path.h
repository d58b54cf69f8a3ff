// A file a request names inside one of a run's folders (outputs, logs, artifacts), refusing
// every way out of it: "..", an absolute path, a symbolic link anywhere on the way (one could
// point anywhere), and names the URL decoding turned into separators or NULs.
#pragma once

#include <filesystem>
#include <string_view>

#include "jobc/result.h"

namespace jobc::ui {

// `root`/`relative` when it stays inside `root` through real folders only and exists; an
// empty `relative` is `root` itself. The error says why it was refused.
Result<std::filesystem::path> resolve_inside(const std::filesystem::path& root,
                                             std::string_view relative);

}  // namespace jobc::ui
