#include "jobc/snapshot.h"

#include <doctest/doctest.h>

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <optional>
#include <set>

#include "common/run_command.h"
#include "common/temp_dir.h"
#include "common/without_read_override.h"
#include "support/hash.h"

namespace fs = std::filesystem;

namespace {

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

fs::perms perms_of(const fs::path& path) {
  return fs::symlink_status(path).permissions();
}

// snapshot_code, with its error (if any) in `error`: the tests check the messages.
std::optional<jobc::Snapshot> snapshot_code(const fs::path& code, const fs::path& store,
                                            const fs::path& exclude, std::string& error,
                                            const jobc::SnapshotLimits& limits = {}) {
  auto snapshot = jobc::snapshot_code(code, store, exclude, limits);
  if (!snapshot) {
    error = snapshot.error().message;
    return std::nullopt;
  }
  return std::move(snapshot).value();
}

constexpr fs::perms kGroupOrOther = fs::perms::group_all | fs::perms::others_all;

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
    auto snapshot = snapshot_code(code, dir.path / "store", code / ".jobc-home", error);
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
    auto snapshot = snapshot_code(code, dir.path / "store", {}, error);
    REQUIRE(snapshot);
    CHECK(files_in(snapshot->dir) ==
          std::set<std::string>{".gitignore", "main.py", "src/build/keep.py"});
  }

  TEST_CASE("an unchanged folder is reused; a change makes a new snapshot") {
    jobc::testing::TempDir dir;
    fs::path code = dir.path / "code";
    write(code / "train.py", "v1\n");
    std::string error;
    auto first = snapshot_code(code, dir.path / "store", {}, error);
    auto second = snapshot_code(code, dir.path / "store", {}, error);
    REQUIRE(first);
    REQUIRE(second);
    CHECK(!first->reused);
    CHECK(second->reused);
    CHECK(first->hash == second->hash);
    write(code / "train.py", "v2 changed\n");
    auto third = snapshot_code(code, dir.path / "store", {}, error);
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
    // The listing: a version line, each folder's mode, then each file's mode, length-prefixed
    // path and content digest.
    auto stored = [](const fs::path& path, unsigned keep, unsigned add) {
      struct stat info {};
      ::stat(path.c_str(), &info);
      return (info.st_mode & keep) | add;
    };
    std::set<std::string> folders{""};
    for (const auto& [relative, text] : contents) {
      for (fs::path p = fs::path(relative).parent_path(); !p.empty(); p = p.parent_path()) {
        folders.insert(p.string());
      }
    }
    std::string expected_listing = "jobc-snapshot 2\n";
    for (const std::string& folder : folders) {
      expected_listing +=
          fmt::format("D {:o} {}:{}\n", stored(code / folder, 0755, 0700), folder.size(), folder);
    }
    for (const auto& [relative, text] : contents) {
      expected_listing += fmt::format("F {:o} {}:{} {}\n", stored(code / relative, 0555, 0400),
                                      relative.size(), relative, jobc::sha256_hex(text));
    }
    std::string error;
    auto first = snapshot_code(code, dir.path / "a", {}, error);
    auto second = snapshot_code(code, dir.path / "b", {}, error);
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
    auto ok = snapshot_code(code, dir.path / "store", {}, error);
    REQUIRE(ok);
    CHECK(fs::is_symlink(ok->dir / "alias.py"));
    fs::create_symlink("../secret.txt", code / "leak.txt");
    auto refused = snapshot_code(code, dir.path / "store", {}, error);
    CHECK(!refused);
    CHECK(error.find("leak.txt") != std::string::npos);
    CHECK(error.find("'leak.txt' is a symbolic link to '../secret.txt', outside the folder") !=
          std::string::npos);
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
    auto snapshot = snapshot_code(code, dir.path / "store", {}, error, limits);
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
    auto snapshot = snapshot_code(code, dir.path / "store", {}, error);
    REQUIRE(snapshot);
    fs::path work = dir.path / "work";
    REQUIRE(jobc::materialize_snapshot(*snapshot, work));
    CHECK(jobc::testing::slurp(work / "pkg/mod.py") == "x = 1\n");
    write(work / "outputs/model.txt", "m");  // the job can write next to its code
    CHECK(fs::exists(work / "outputs/model.txt"));
    CHECK((fs::status(work / "pkg/mod.py").permissions() & fs::perms::owner_write) ==
          fs::perms::none);
  }

  TEST_CASE("two folders whose file names spell each other's listing get different snapshots") {
    // The listing used to be "F <path>\n<sha256>\n" per file: one file named
    // "a\n<sha256 of 1>\nF b" gave the same listing as the files "a" (holding "1") and "b".
    jobc::testing::TempDir dir;
    const std::string forged = "a\n" + jobc::sha256_hex("1") + "\nF b";
    write(dir.path / "one/a", "1");
    write(dir.path / "one/b", "2");
    write(dir.path / "other" / forged, "2");
    std::string error;
    auto one = snapshot_code(dir.path / "one", dir.path / "store", {}, error);
    REQUIRE_MESSAGE(one, error);
    auto other = snapshot_code(dir.path / "other", dir.path / "store", {}, error);
    REQUIRE_MESSAGE(other, error);
    CHECK(one->hash != other->hash);
    CHECK(files_in(other->dir) == std::set<std::string>{forged});
    CHECK(files_in(one->dir) == std::set<std::string>{"a", "b"});
  }

  TEST_CASE("an owner-only file or folder stays owner-only in the store and the run's folder") {
    jobc::testing::TempDir dir;
    fs::path code = dir.path / "code";
    write(code / "train.py", "print(1)\n");
    write(code / "private/token.txt", "t");
    write(code / "key.pem", "k");
    write(code / "run.sh", "#!/bin/sh\n");
    fs::permissions(code / "private", fs::perms::owner_all);
    fs::permissions(code / "key.pem", fs::perms::owner_read | fs::perms::owner_write);
    fs::permissions(code / "run.sh", fs::perms::owner_all);
    std::string error;
    auto snapshot = snapshot_code(code, dir.path / "store", {}, error);
    REQUIRE_MESSAGE(snapshot, error);
    fs::path work = dir.path / "work";
    REQUIRE(jobc::materialize_snapshot(*snapshot, work));
    for (const fs::path& root : {snapshot->dir, work}) {
      CAPTURE(root);
      CHECK(perms_of(root / "key.pem") == fs::perms::owner_read);
      CHECK(perms_of(root / "run.sh") == (fs::perms::owner_read | fs::perms::owner_exec));
      CHECK(perms_of(root / "private") == fs::perms::owner_all);
      CHECK((perms_of(root / "train.py") & fs::perms::others_read) != fs::perms::none);
      CHECK((perms_of(root / "train.py") & fs::perms::owner_write) == fs::perms::none);
    }
    // The mode is part of the identity: opening the file up later makes another snapshot.
    fs::permissions(code / "key.pem", fs::perms::owner_read | fs::perms::owner_write |
                                          fs::perms::group_read | fs::perms::others_read);
    auto opened = snapshot_code(code, dir.path / "store", {}, error);
    REQUIRE_MESSAGE(opened, error);
    CHECK(opened->hash != snapshot->hash);
    CHECK((perms_of(opened->dir / "key.pem") & kGroupOrOther) != fs::perms::none);
    CHECK((perms_of(snapshot->dir / "key.pem") & kGroupOrOther) == fs::perms::none);
  }

  TEST_CASE("a symbolic link loop or a link to a parent folder is refused with its name") {
    jobc::testing::TempDir dir;
    fs::path code = dir.path / "code";
    write(code / "train.py", "x");
    fs::create_symlink("b", code / "a");
    fs::create_symlink("a", code / "b");
    std::string error;
    CHECK_FALSE(snapshot_code(code, dir.path / "store", {}, error));
    CHECK(error == "'a' -> 'b' is a symbolic link loop");
    fs::remove(code / "a");
    fs::remove(code / "b");
    fs::create_directories(code / "pkg");
    fs::create_directory_symlink("..", code / "pkg/parent");
    CHECK_FALSE(snapshot_code(code, dir.path / "store", {}, error));
    CHECK(error.find("'pkg/parent' is a symbolic link to '..', a folder that holds the link") !=
          std::string::npos);
    CHECK_FALSE(fs::exists(dir.path / "store"));  // refused before anything is written
  }

  TEST_CASE("an absolute link inside the code folder points into the snapshot, not the code") {
    jobc::testing::TempDir dir;
    fs::path code = dir.path / "code";
    write(code / "lib/real.py", "x");
    fs::create_directories(code / "bin");
    fs::create_symlink(fs::absolute(code / "lib/real.py"), code / "bin/tool.py");
    std::string error;
    auto snapshot = snapshot_code(code, dir.path / "store", {}, error);
    REQUIRE_MESSAGE(snapshot, error);
    CHECK(fs::read_symlink(snapshot->dir / "bin/tool.py") == "../lib/real.py");
  }

  TEST_CASE("a file name that is not UTF-8 is refused by name, with the byte escaped") {
    jobc::testing::TempDir dir;
    fs::path code = dir.path / "code";
    write(code / "train.py", "x");
    write(code / "caf\xff.txt", "x");
    std::string error;
    CHECK_FALSE(snapshot_code(code, dir.path / "store", {}, error));
    CHECK(error == "'caf\\xff.txt': the name is not valid UTF-8; rename it");
    write(code / ".amlignore", "*.txt\n");
    auto ignored = snapshot_code(code, dir.path / "store", {}, error);
    REQUIRE_MESSAGE(ignored, error);
    CHECK(files_in(ignored->dir) == std::set<std::string>{".amlignore", "train.py"});
  }

  TEST_CASE("an unreadable folder that .amlignore leaves out is never opened") {
    jobc::testing::TempDir dir;
    fs::path code = dir.path / "code";
    write(code / "train.py", "x");
    write(code / "cache/blob", "b");
    write(code / ".amlignore", "cache/\n");
    fs::permissions(code / "cache", fs::perms::none);
    std::optional<jobc::Snapshot> snapshot;
    std::string error;
    bool unreadable = false;
    {
      jobc::testing::WithoutReadOverride obey_permissions;
      unreadable = !jobc::testing::can_list(code / "cache");
      snapshot = snapshot_code(code, dir.path / "store", {}, error);
    }
    fs::permissions(code / "cache", fs::perms::owner_all);
    if (!unreadable) {
      MESSAGE("skipped: this process reads a folder with mode 000 (capabilities cannot drop)");
      return;
    }
    REQUIRE_MESSAGE(snapshot, error);
    CHECK(files_in(snapshot->dir) == std::set<std::string>{".amlignore", "train.py"});
  }
}
