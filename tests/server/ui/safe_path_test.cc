#include "server/ui/safe_path.h"

#include <doctest/doctest.h>

#include <fstream>

#include "common/temp_dir.h"

namespace jobc::ui {
namespace fs = std::filesystem;

namespace {
struct RunFolder {
  testing::TempDir dir;
  fs::path root = dir.path / "outputs";
  RunFolder() {
    fs::create_directories(root / "sub");
    std::ofstream(root / "sub" / "model.txt") << "weights";
    std::ofstream(dir.path / "secret.txt") << "not yours";
  }
};
}  // namespace

TEST_SUITE("ui") {
  TEST_CASE("a file inside the folder is found, through real subfolders") {
    RunFolder run;
    auto found = resolve_inside(run.root, "sub/model.txt");
    REQUIRE(found);
    CHECK(*found == run.root / "sub" / "model.txt");
    CHECK(resolve_inside(run.root, ""));
    CHECK(resolve_inside(run.root, "./sub/"));
  }

  TEST_CASE("a path that climbs out of the folder is refused, however it is written") {
    RunFolder run;
    CHECK_FALSE(resolve_inside(run.root, "../secret.txt"));
    CHECK_FALSE(resolve_inside(run.root, "sub/../../secret.txt"));
    CHECK_FALSE(resolve_inside(run.root, "sub/.."));
    CHECK_FALSE(resolve_inside(run.root, "/etc/passwd"));
    CHECK_FALSE(resolve_inside(run.root, "..\\secret.txt"));
    CHECK_FALSE(resolve_inside(run.root, std::string("sub\0/../x", 9)));
  }

  TEST_CASE("a symbolic link is refused, to a file or a folder, wherever it is on the way") {
    RunFolder run;
    fs::create_symlink(run.dir.path / "secret.txt", run.root / "link.txt");
    fs::create_directory_symlink(run.dir.path, run.root / "up");
    CHECK_FALSE(resolve_inside(run.root, "link.txt"));
    CHECK_FALSE(resolve_inside(run.root, "up/secret.txt"));
    CHECK_FALSE(resolve_inside(run.root, "up"));
  }

  TEST_CASE("a root that is itself a link is refused") {
    RunFolder run;
    fs::create_directory_symlink(run.dir.path, run.dir.path / "linked_root");
    CHECK_FALSE(resolve_inside(run.dir.path / "linked_root", "secret.txt"));
  }

  TEST_CASE("a missing file, or a file used as a folder, is refused") {
    RunFolder run;
    CHECK_FALSE(resolve_inside(run.root, "nothing.txt"));
    CHECK_FALSE(resolve_inside(run.root, "sub/model.txt/x"));
  }
}

}  // namespace jobc::ui
