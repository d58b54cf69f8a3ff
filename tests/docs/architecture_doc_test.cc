// docs/architecture.md must stay true: every file and folder it names exists (the examples of
// what a change adds, written with a placeholder such as <name>, are not looked for).
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/file_text.h"

namespace {

namespace fs = std::filesystem;

// The `code spans` of `text` that name a path in the repository.
std::vector<std::string> named_paths(const std::string& text) {
  static const std::vector<std::string> kRoots = {"compiler/",    "include/", "schemas/",
                                                  "templates/",   "scripts/", "tests/",
                                                  "diagnostics/", "docs/",    "jobc/"};
  std::vector<std::string> paths;
  for (size_t open = text.find('`'); open != std::string::npos; open = text.find('`', open)) {
    size_t close = text.find('`', open + 1);
    if (close == std::string::npos) break;
    std::string span = text.substr(open + 1, close - open - 1);
    open = close + 1;
    for (const std::string& root : kRoots) {
      if (span.starts_with(root) && span.find(' ') == std::string::npos) paths.push_back(span);
    }
  }
  return paths;
}

// An example of what a change adds: a placeholder, a pattern, or the example backend.
bool is_example(const std::string& path) {
  return path.find_first_of("<{*") != std::string::npos ||
         path.find("kubernetes") != std::string::npos;
}

}  // namespace

TEST_SUITE("docs") {
  TEST_CASE("docs/architecture.md names only files and folders that exist") {
    fs::path root = JOBC_SOURCE_DIR;
    auto text = jobc::read_text(root / "docs/architecture.md");
    REQUIRE_MESSAGE(text, (text ? "" : text.error().message));
    std::vector<std::string> paths = named_paths(*text);
    CHECK(paths.size() > 20);
    for (const std::string& path : paths) {
      if (is_example(path)) continue;
      fs::path where = path.starts_with("jobc/") ? root / "include" / path : root / path;
      CAPTURE(path);
      CHECK(fs::exists(where));
    }
  }
}
