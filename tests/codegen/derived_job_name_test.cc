// The name compile derives for a job without one: a content hash of the spec and every file
// it reads, which must tell any two different sets of files apart.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "common/compiled_spec.h"
#include "common/temp_dir.h"
#include "support/hash.h"

namespace {

namespace fs = std::filesystem;

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

std::string derived_name(const fs::path& dir) {
  auto compiled = jobc::testing::compile_spec_text(
      dir, "command: python a\nenvironment: {build: {path: ctx}}\n");
  const jobc::OutputSet::File* requests = compiled.result.outputs.find("azureml/requests.json");
  REQUIRE(requests != nullptr);
  for (const auto& request : nlohmann::json::parse(requests->content)) {
    const std::string url = request.value("path", "");
    if (size_t at = url.rfind("/jobs/"); at != std::string::npos) return url.substr(at + 6);
  }
  FAIL("no job request");
  return "";
}

}  // namespace

TEST_SUITE("codegen") {
  TEST_CASE("a derived job name tells apart file names that spell another name and digest") {
    // Names and digests used to be hashed back to back: "ctx/a", sha("1"), "ctx/b", sha("2")
    // read the same as the one file "ctx/a<sha("1")>ctx/b" holding "2".
    jobc::testing::TempDir one;
    jobc::testing::TempDir other;
    for (const auto* dir : {&one, &other}) write(dir->path / "ctx/Dockerfile", "FROM scratch\n");
    write(one.path / "ctx/a", "1");
    write(one.path / "ctx/b", "2");
    write(other.path / "ctx" / ("a" + jobc::sha256_hex("1") + "ctx") / "b", "2");
    const std::string first = derived_name(one.path);
    CHECK(first.starts_with("jobc-"));
    CHECK(first != derived_name(other.path));
  }
}
