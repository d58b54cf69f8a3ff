// Every example's compiled artifacts are committed under tests/golden/ and must be
// reproduced byte for byte; and the same inputs in another folder give the same bytes.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "common/run_command.h"
#include "common/temp_dir.h"
#include "jobc/artifact_writer.h"
#include "jobc/compile.h"

namespace fs = std::filesystem;

namespace {

fs::path source_dir() {
  return JOBC_SOURCE_DIR;
}

std::vector<std::string> golden_specs() {
  std::vector<std::string> specs;
  std::ifstream in(source_dir() / "tests/golden/specs.txt");
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != '#') specs.push_back(line);
  }
  return specs;
}

jobc::CompileResult compile_file(const fs::path& path) {
  jobc::DiagnosticSink sink;
  jobc::SourceManager sources;
  auto spec = jobc::load_and_validate(path.string(), {}, sources, sink);
  REQUIRE(spec);
  REQUIRE(!sink.has_errors());
  auto result = jobc::compile_spec(*spec, {}, sink);
  REQUIRE(!sink.has_errors());
  return result;
}

fs::path golden_dir(const std::string& spec) {
  std::string relative = spec.substr(std::string("examples/").size());
  return source_dir() / "tests/golden" / relative.substr(0, relative.size() - 4);
}

}  // namespace

TEST_SUITE("codegen") {
  TEST_CASE("examples compile to their committed golden artifacts") {
    auto specs = golden_specs();
    REQUIRE(specs.size() >= 8);
    for (const std::string& spec : specs) {
      CAPTURE(spec);
      auto result = compile_file(source_dir() / spec);
      fs::path golden = golden_dir(spec);
      std::set<std::string> expected_files;
      for (const auto& entry : fs::recursive_directory_iterator(golden)) {
        if (entry.is_regular_file()) {
          expected_files.insert(fs::relative(entry.path(), golden).generic_string());
        }
      }
      std::set<std::string> produced;
      for (const auto& [path, file] : result.outputs.files()) {
        produced.insert(path);
        std::string expected = jobc::testing::slurp(golden / path);
        if (expected != file.content) {
          FAIL_CHECK(path << " differs from its golden (scripts/update-goldens.sh):\n"
                          << jobc::unified_diff(expected, file.content, path));
        }
      }
      CHECK(produced == expected_files);
    }
  }

  TEST_CASE("the same inputs in another folder give byte-identical artifacts") {
    for (const char* example : {"quickstart", "custom-dockerfile", "sklearn-conda"}) {
      CAPTURE(example);
      jobc::testing::TempDir a;
      jobc::testing::TempDir b;
      fs::create_directories(b.path / "deeper/still");
      fs::copy(source_dir() / "examples" / example, a.path / example, fs::copy_options::recursive);
      fs::copy(source_dir() / "examples" / example, b.path / "deeper/still" / example,
               fs::copy_options::recursive);
      auto first = compile_file(a.path / example / "job.yml");
      fs::path old_cwd = fs::current_path();
      fs::current_path(b.path);  // a different working folder, relative spec path
      auto second = compile_file(fs::path("deeper/still") / example / "job.yml");
      fs::current_path(old_cwd);
      REQUIRE(first.outputs.files().size() == second.outputs.files().size());
      for (const auto& [path, file] : first.outputs.files()) {
        CAPTURE(path);
        const auto* other = second.outputs.find(path);
        REQUIRE(other);
        CHECK(other->content == file.content);
        CHECK(file.content.find(a.path.string()) == std::string::npos);  // no machine paths
      }
    }
  }
}
