// The page of `jobc ui` (ui/ at the repository's root: HTML, JavaScript, CSS) and Debian's
// Chart.js, compiled into jobc-server at build time (CMakeLists.txt): no CDN, no files read
// at run time.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "embedded/embedded.h"

namespace jobc::embedded {

const std::vector<EmbeddedFile>& ui();  // "index.html", "app.js", "style.css", "chart.min.js"

}  // namespace jobc::embedded
