#include "jobc/snapshot.h"

#include <doctest/doctest.h>

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <set>

#include "common/run_command.h"
#include "common/temp_dir.h"
#include "support/hash.h"

namespace fs = std::filesystem;

namespace {

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

std::set<std::string> files_in(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_directory()) out.insert(fs::relative(entry.path(), dir).generic_string());
  }
  return out;
}

}  // namespace

TEST_SUITE("runs") {
  TEST_CASE("ignore rules, .git and the jobc home are left out") {
    jobc::testing::TempDir dir;
    fs::path code = dir.path / "code";
    write(code / "train.py", "print(1)\n");
    write(code / "data/big.bin", "xxxx");
    write(code / "data/keep.txt", "k");
    write(code / "notes/a.log", "log");
    write(code / ".git/HEAD", "ref");
    write(code / ".jobc-home/runs.db", "db");
    write(code / ".amlignore", "data/\n!data/keep.txt\n*.log\n");
    write(code / ".gitignore", "train.py\n");  // ignored: .amlignore takes precedence
    std::string error;
    auto snapshot = jobc::snapshot_code(code, dir.path / "store", code / ".jobc-home", error);
    REQUIRE_MESSAGE(snapshot, error);
    CHECK(files_in(snapshot->dir) == std::set<std::string>{".amlignore", ".gitignore", "train.py"});
    CHECK(snapshot->files == 3);
  }

  TEST_CASE(".gitignore applies when there is no .amlignore, with anchors and **") {
    jobc::testing::TempDir dir;
    fs::path code = dir.path / "code";
    write(code / "a/b/c/cache.tmp", "x");
    write(code / "build/out.o", "x");
    write(code / "src/build/keep.py", "x");
    write(code / "main.py", "x");
    write(code / ".gitignore", "**/*.tmp\n/build/\n");
    std::string error;
    auto snapshot = jobc::snapshot_code(code, dir.path / "store", {}, error);
    REQUIRE(snapshot);
    CHECK(files_in(snapshot->dir) ==
          std::set<std::string>{".gitignore", "main.py", "src/build/keep.py"});
  }

  TEST_CASE("an unchanged folder is reused; a change makes a new snapshot") {
    jobc::testing::TempDir dir;
    fs::path code = dir.path / "code";
    write(code / "train.py", "v1\n");
    std::string error;
    auto first = jobc::snapshot_code(code, dir.path / "store", {}, error);
    auto second = jobc::snapshot_code(code, dir.path / "store", {}, error);
    REQUIRE(first);
    REQUIRE(second);
    CHECK(!first->reused);
    CHECK(second->reused);
    CHECK(first->hash == second->hash);
    write(code / "train.py", "v2 changed\n");
    auto third = jobc::snapshot_code(code, dir.path / "store", {}, error);
    CHECK(third->hash != first->hash);
    CHECK(jobc::testing::slurp(third->dir / "train.py") == "v2 changed\n");
    CHECK(jobc::testing::slurp(first->dir / "train.py") == "v1\n");  // old snapshot intact
  }

  TEST_CASE("a large tree is copied on several threads, and its hash keeps the sorted order") {
    jobc::testing::TempDir dir;
    fs::path code = dir.path / "code";
    std::map<std::string, std::string> contents;  // sorted like the snapshot's listing
    for (int i = 0; i < 600; ++i) {
      std::string relative = fmt::format("d{}/e{}/f{}.py", i % 7, i % 3, i);
      contents[relative] = std::string(static_cast<size_t>(i * 37 % 5000), char('a' + i % 26));
      write(code / relative, contents[relative]);
    }
    std::string expected_listing;
    for (const auto& [relative, text] : contents) {
      expected_listing += fmt::format("F {}\n{}\n", relative, jobc::sha256_hex(text));
    }
    std::string error;
    auto first = jobc::snapshot_code(code, dir.path / "a", {}, error);
    auto second = jobc::snapshot_code(code, dir.path / "b", {}, error);
    REQUIRE_MESSAGE(first, error);
    REQUIRE_MESSAGE(second, error);
    CHECK(first->hash == jobc::sha256_hex(expected_listing));
    CHECK(second->hash == first->hash);
    CHECK(first->files == 600);
    for (const auto& [relative, text] : contents) {
      CHECK_MESSAGE(jobc::testing::slurp(first->dir / relative) == text, relative);
    }
  }

  TEST_CASE("a symlink leaving the code folder is refused; one inside is kept") {
    jobc::testing::TempDir dir;
    fs::path code = dir.path / "code";
    write(code / "real.py", "x");
    write(dir.path / "secret.txt", "outside");
    fs::create_symlink("real.py", code / "alias.py");
    std::string error;
    auto ok = jobc::snapshot_code(code, dir.path / "store", {}, error);
    REQUIRE(ok);
    CHECK(fs::is_symlink(ok->dir / "alias.py"));
    fs::create_symlink("../secret.txt", code / "leak.txt");
    auto refused = jobc::snapshot_code(code, dir.path / "store", {}, error);
    CHECK(!refused);
    CHECK(error.find("leak.txt") != std::string::npos);
    CHECK(error.find("outside the code folder") != std::string::npos);
  }

  TEST_CASE("likely secrets and oversized folders are warned about") {
    jobc::testing::TempDir dir;
    fs::path code = dir.path / "code";
    write(code / ".env", "TOKEN=x");
    write(code / "keys/server.pem", "x");
    write(code / ".aws/credentials", "x");
    for (int i = 0; i < 5; ++i) write(code / ("f" + std::to_string(i)), "x");
    std::string error;
    jobc::SnapshotLimits limits{1u << 20, 4};
    auto snapshot = jobc::snapshot_code(code, dir.path / "store", {}, error, limits);
    REQUIRE(snapshot);
    std::string all;
    for (const auto& warning : snapshot->warnings) all += warning + "\n";
    CHECK(all.find("'.env'") != std::string::npos);
    CHECK(all.find("keys/server.pem") != std::string::npos);
    CHECK(all.find(".aws/credentials") != std::string::npos);
    CHECK(all.find("above Azure ML's snapshot limits") != std::string::npos);
  }

  TEST_CASE("a materialized snapshot is a writable folder of read-only code") {
    jobc::testing::TempDir dir;
    fs::path code = dir.path / "code";
    write(code / "pkg/mod.py", "x = 1\n");
    std::string error;
    auto snapshot = jobc::snapshot_code(code, dir.path / "store", {}, error);
    REQUIRE(snapshot);
    fs::path work = dir.path / "work";
    REQUIRE(jobc::materialize_snapshot(*snapshot, work, error));
    CHECK(jobc::testing::slurp(work / "pkg/mod.py") == "x = 1\n");
    write(work / "outputs/model.txt", "m");  // the job can write next to its code
    CHECK(fs::exists(work / "outputs/model.txt"));
    CHECK((fs::status(work / "pkg/mod.py").permissions() & fs::perms::owner_write) ==
          fs::perms::none);
  }
}
