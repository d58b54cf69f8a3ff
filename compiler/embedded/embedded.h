// Files compiled into the binary at build time (schemas/, templates/, diagnostics/), so jobc
// runs from any folder without its source tree.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace jobc::embedded {

struct EmbeddedFile {
  std::string_view name;  // file name, e.g. "command_job.schema.json"
  std::string_view content;
};

const std::vector<EmbeddedFile>& schemas();
const std::vector<EmbeddedFile>& templates();
const std::vector<EmbeddedFile>& diagnostics();  // "E010.md": what E010 means, example, fix

// Looks a file up by name in one of the tables above.
std::optional<std::string_view> find(const std::vector<EmbeddedFile>& table, std::string_view name);

}  // namespace jobc::embedded
