#include "jobc/artifact_writer.h"

#include <doctest/doctest.h>

#include <fstream>
#include <thread>

#include "common/run_command.h"
#include "common/temp_dir.h"

namespace fs = std::filesystem;
using jobc::ArtifactChange;

namespace {

jobc::OutputSet outputs_of(std::initializer_list<std::pair<std::string, std::string>> files) {
  jobc::OutputSet outputs;
  for (const auto& [path, content] : files) outputs.add(path, content);
  return outputs;
}

ArtifactChange::Kind kind_of(const jobc::WriteReport& report, const std::string& path) {
  for (const auto& change : report.changes) {
    if (change.path == path) return change.kind;
  }
  FAIL("no change for " << path);
  return ArtifactChange::Unchanged;
}

}  // namespace

TEST_SUITE("support") {
  TEST_CASE("artifacts are written only when their content changes") {
    jobc::testing::TempDir dir;
    auto first = jobc::write_artifacts(outputs_of({{"a.txt", "one\n"}, {"sub/b.txt", "two\n"}}),
                                       dir.path, jobc::WriteMode::Write);
    CHECK(kind_of(first, "a.txt") == ArtifactChange::Created);
    CHECK(jobc::testing::slurp(dir.path / "sub/b.txt") == "two\n");
    auto before = fs::last_write_time(dir.path / "a.txt");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto second = jobc::write_artifacts(outputs_of({{"a.txt", "one\n"}, {"sub/b.txt", "2\n"}}),
                                        dir.path, jobc::WriteMode::Write);
    CHECK(kind_of(second, "a.txt") == ArtifactChange::Unchanged);
    CHECK(kind_of(second, "sub/b.txt") == ArtifactChange::Updated);
    CHECK(fs::last_write_time(dir.path / "a.txt") == before);
    CHECK(!second.up_to_date());
  }

  TEST_CASE("check mode writes nothing and diffs stale files") {
    jobc::testing::TempDir dir;
    jobc::write_artifacts(outputs_of({{"a.txt", "x\ny\nz\n"}}), dir.path, jobc::WriteMode::Write);
    auto report = jobc::write_artifacts(outputs_of({{"a.txt", "x\nY\nz\n"}, {"new.txt", "n\n"}}),
                                        dir.path, jobc::WriteMode::Check);
    CHECK(kind_of(report, "a.txt") == ArtifactChange::Updated);
    CHECK(kind_of(report, "new.txt") == ArtifactChange::Created);
    CHECK(!fs::exists(dir.path / "new.txt"));
    CHECK(jobc::testing::slurp(dir.path / "a.txt") == "x\ny\nz\n");
    const auto& diff = report.changes.front().diff;
    CHECK(diff.find("--- a/a.txt") != std::string::npos);
    CHECK(diff.find("-y\n") != std::string::npos);
    CHECK(diff.find("+Y\n") != std::string::npos);
  }

  TEST_CASE("files an earlier compilation wrote but this one does not are removed") {
    jobc::testing::TempDir dir;
    std::string manifest = R"({"artifacts": [{"path": "conda.yaml"}, {"path": "../escape"}]})";
    {
      std::ofstream(dir.path / "conda.yaml") << "old\n";
      std::ofstream(dir.path / "user-notes.txt") << "mine\n";
    }
    jobc::write_artifacts(outputs_of({{"manifest.json", manifest}}), dir.path,
                          jobc::WriteMode::Write);
    // The new manifest lists conda.yaml, so a third compilation without it removes it.
    auto next = jobc::write_artifacts(outputs_of({{"manifest.json", "{}"}}), dir.path,
                                      jobc::WriteMode::Write);
    CHECK(kind_of(next, "conda.yaml") == ArtifactChange::Removed);
    CHECK(!fs::exists(dir.path / "conda.yaml"));
    CHECK(fs::exists(dir.path / "user-notes.txt"));  // never jobc's to remove
  }

  TEST_CASE("dry-run writes nothing") {
    jobc::testing::TempDir dir;
    auto report =
        jobc::write_artifacts(outputs_of({{"a.txt", "x"}}), dir.path, jobc::WriteMode::DryRun);
    CHECK(kind_of(report, "a.txt") == ArtifactChange::Created);
    CHECK(!fs::exists(dir.path / "a.txt"));
  }

  TEST_CASE("depfiles escape spaces and dollars") {
    CHECK(jobc::make_depfile("out/manifest.json", {"/a b/job.yml", "/c/$x"}) ==
          "out/manifest.json: \\\n  /a\\ b/job.yml \\\n  /c/$$x\n");
  }
}
