#include "support/file_text.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace jobc {

Result<std::string> read_text(const std::filesystem::path& path) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int why = errno;
    return fail(fmt::format("cannot read '{}': {}", path.string(),
                            why != 0 ? std::strerror(why) : "cannot open it"));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return fail(fmt::format("cannot read '{}': a read failed", path.string()));
  return std::move(buffer).str();
}

}  // namespace jobc
