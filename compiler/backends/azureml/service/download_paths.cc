#include "backends/azureml/service/download_paths.h"

#include <string>

namespace jobc::azureml {

Result<std::filesystem::path> local_path_for_blob(std::string_view name) {
  std::string shown(name.substr(0, 200));
  auto refuse = [&](const std::string& why) {
    return fail("refused blob name '" + shown + "': " + why);
  };
  if (name.empty()) return refuse("it is empty");
  if (name.front() == '/') return refuse("it is an absolute path");
  // A backslash is a separator on Windows and in some tools: never guess, refuse.
  if (name.find('\\') != std::string_view::npos) return refuse("it has a backslash");
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return refuse("it has a control character");
    }
  }
  if (name.back() == '/') name.remove_suffix(1);
  std::filesystem::path path;
  size_t start = 0;
  while (true) {
    size_t slash = name.find('/', start);
    std::string_view segment = name.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (segment.empty()) return refuse("it has an empty path segment");
    if (segment == "." || segment == "..")
      return refuse("it has a '" + std::string(segment) + "' segment");
    path /= std::string(segment);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return path;
}

}  // namespace jobc::azureml
