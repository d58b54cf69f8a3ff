// The tree walk every reader of a user's folder shares: order, filters, and the rules for
// symbolic links, loops, names that are not UTF-8 and folders that are left out.
#include "support/tree_walk.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "common/temp_dir.h"
#include "common/without_read_override.h"

namespace {

namespace fs = std::filesystem;

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

std::vector<std::string> relative_paths(const std::vector<jobc::TreeEntry>& entries) {
  std::vector<std::string> out;
  for (const auto& entry : entries) out.push_back(entry.relative);
  return out;
}

// The walk's result, or its error prefixed with "error: ".
std::vector<std::string> walk(const fs::path& root, const jobc::TreeWalkOptions& options = {}) {
  auto entries = jobc::walk_tree(root, options);
  if (!entries) return {"error: " + entries.error().message};
  return relative_paths(*entries);
}

}  // namespace

TEST_SUITE("support") {
  TEST_CASE("a tree walk lists a folder before its entries, siblings sorted, with lstat info") {
    jobc::testing::TempDir dir;
    write(dir.path / "b.txt", "b");
    write(dir.path / "a/z.txt", "z");
    write(dir.path / "a.txt", "a");
    fs::create_symlink("a.txt", dir.path / "c.txt");
    auto walked = jobc::walk_tree(dir.path);
    REQUIRE(walked);
    const std::vector<jobc::TreeEntry>& entries = *walked;
    CHECK(relative_paths(entries) ==
          std::vector<std::string>{"a", "a/z.txt", "a.txt", "b.txt", "c.txt"});
    CHECK(entries[0].is_folder());
    CHECK(entries[1].depth == 1);
    CHECK(entries[4].is_link());
    CHECK(entries[4].is_file());
    CHECK(entries[4].link_target == "a.txt");
    CHECK(entries[4].link_resolved == fs::canonical(dir.path / "a.txt"));
  }

  TEST_CASE("a link leading outside the folder is an error naming the link and its target") {
    jobc::testing::TempDir dir;
    write(dir.path / "code/main.py", "x");
    write(dir.path / "secret.txt", "s");
    fs::create_directory_symlink("/etc", dir.path / "code/etc");
    CHECK(
        walk(dir.path / "code") ==
        std::vector<std::string>{"error: 'etc' is a symbolic link to '/etc', outside the folder '" +
                                 (dir.path / "code").string() + "'"});
    fs::remove(dir.path / "code/etc");
    fs::create_directories(dir.path / "code/sub");
    fs::create_symlink("../../secret.txt", dir.path / "code/sub/leak");
    CHECK(walk(dir.path / "code")
              .front()
              .starts_with("error: 'sub/leak' is a symbolic link to '../../secret.txt', outside"));
    // Even when its target does not exist (yet): the rule is about where it leads.
    fs::remove(dir.path / "code/sub/leak");
    fs::create_symlink("../../../nowhere/id_rsa", dir.path / "code/sub/later");
    CHECK(walk(dir.path / "code").front().starts_with("error: 'sub/later' is a symbolic link"));
  }

  TEST_CASE("links inside the folder are kept, and followed only when asked") {
    jobc::testing::TempDir dir;
    write(dir.path / "sub/inner.txt", "i");
    fs::create_directory_symlink(dir.path / "sub", dir.path / "linked");
    fs::create_symlink("missing", dir.path / "dangling");
    CHECK(walk(dir.path) == std::vector<std::string>{"dangling", "linked", "sub", "sub/inner.txt"});
    jobc::TreeWalkOptions follow;
    follow.follow_folder_links = true;
    CHECK(walk(dir.path, follow) == std::vector<std::string>{"dangling", "linked",
                                                             "linked/inner.txt", "sub",
                                                             "sub/inner.txt"});
  }

  TEST_CASE("symbolic link loops are errors, never an endless walk or an exception") {
    jobc::testing::TempDir dir;
    write(dir.path / "code/sub/x.py", "x");
    fs::create_symlink("b", dir.path / "code/a");
    fs::create_symlink("a", dir.path / "code/b");
    CHECK(walk(dir.path / "code") ==
          std::vector<std::string>{"error: 'a' -> 'b' is a symbolic link loop"});
    fs::remove(dir.path / "code/a");
    fs::remove(dir.path / "code/b");
    fs::create_directory_symlink("..", dir.path / "code/sub/up");
    CHECK(walk(dir.path / "code") ==
          std::vector<std::string>{"error: 'sub/up' is a symbolic link to '..', a folder that "
                                   "holds the link: a symbolic link loop"});
    fs::remove(dir.path / "code/sub/up");
    // Two links that lead into each other's folders loop only when followed.
    write(dir.path / "code/p/p.py", "p");
    write(dir.path / "code/r/r.py", "r");
    fs::create_directory_symlink("../r", dir.path / "code/p/q");
    fs::create_directory_symlink("../p", dir.path / "code/r/s");
    CHECK(walk(dir.path / "code").size() == 8);
    jobc::TreeWalkOptions follow;
    follow.follow_folder_links = true;
    CHECK(walk(dir.path / "code", follow).front().ends_with("a symbolic link loop"));
  }

  TEST_CASE("a name that is not UTF-8 is an error that shows its bytes escaped, unless left out") {
    jobc::testing::TempDir dir;
    write(dir.path / "ok.py", "x");
    write(dir.path / "data/caf\xff.txt", "x");
    CHECK(walk(dir.path) ==
          std::vector<std::string>{
              "error: 'data/caf\\xff.txt': the name is not valid UTF-8; rename it"});
    jobc::TreeWalkOptions options;
    options.filter = [](const jobc::TreeEntry& entry) {
      return entry.relative == "data" ? jobc::TreeVisit::Leave : jobc::TreeVisit::Keep;
    };
    CHECK(walk(dir.path, options) == std::vector<std::string>{"ok.py"});
    fs::remove_all(dir.path / "data");
    fs::create_symlink("caf\xff", dir.path / "link");
    CHECK(walk(dir.path).front().find("'caf\\xff', a name that is not valid UTF-8") !=
          std::string::npos);
  }

  TEST_CASE("a folder the filter leaves out, or keeps without its contents, is never opened") {
    jobc::testing::TempDir dir;
    write(dir.path / "main.py", "x");
    write(dir.path / "locked/key", "k");
    write(dir.path / "open/keep.txt", "k");
    fs::permissions(dir.path / "locked", fs::perms::none);
    jobc::testing::WithoutReadOverride obey_permissions;
    if (jobc::testing::can_list(dir.path / "locked")) {
      fs::permissions(dir.path / "locked", fs::perms::owner_all);
      MESSAGE("skipped: this process reads a folder with mode 000 (capabilities cannot drop)");
      return;
    }
    CHECK(walk(dir.path).front().starts_with("error: cannot read the folder 'locked/'"));
    for (jobc::TreeVisit visit : {jobc::TreeVisit::Leave, jobc::TreeVisit::KeepNotBelow}) {
      jobc::TreeWalkOptions options;
      options.filter = [visit](const jobc::TreeEntry& entry) {
        return entry.relative == "locked" ? visit : jobc::TreeVisit::Keep;
      };
      std::vector<std::string> expected{"main.py", "open", "open/keep.txt"};
      if (visit == jobc::TreeVisit::KeepNotBelow) expected.insert(expected.begin(), "locked");
      CHECK(walk(dir.path, options) == expected);
    }
    jobc::TreeWalkOptions skip_entry;
    skip_entry.filter = [](const jobc::TreeEntry& entry) {
      return entry.relative == "open"     ? jobc::TreeVisit::LeaveNotBelow
             : entry.relative == "locked" ? jobc::TreeVisit::Leave
                                          : jobc::TreeVisit::Keep;
    };
    CHECK(walk(dir.path, skip_entry) == std::vector<std::string>{"main.py", "open/keep.txt"});
    fs::permissions(dir.path / "locked", fs::perms::owner_all);
  }
}
