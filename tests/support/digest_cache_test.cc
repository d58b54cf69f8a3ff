#include "support/digest_cache.h"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <fstream>
#include <functional>
#include <string>

#include "common/temp_dir.h"
#include "common/without_read_override.h"

namespace fs = std::filesystem;

namespace {

// Points JOBC_DIGEST_CACHE somewhere for one test, then restores what the test runner set.
struct CacheSetting {
  std::string saved;
  explicit CacheSetting(const std::string& value) {
    if (const char* old = std::getenv("JOBC_DIGEST_CACHE")) saved = old;
    setenv("JOBC_DIGEST_CACHE", value.c_str(), 1);
  }
  ~CacheSetting() { setenv("JOBC_DIGEST_CACHE", saved.c_str(), 1); }
};

void write_bytes(const fs::path& file, size_t size, char fill) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << std::string(size, fill);
}

// A digest function that counts its calls and returns a digest-shaped string.
struct CountingDigest {
  int calls = 0;
  std::string operator()() {
    ++calls;
    return std::string(64, static_cast<char>('a' + calls % 6));
  }
};

// cached_digest's value (these computations never fail).
std::string cached(std::string_view kind, const fs::path& path,
                   const std::function<jobc::Result<std::string>()>& compute,
                   const jobc::TreeWalkOptions& walk = {}) {
  return jobc::cached_digest(kind, path, compute, walk).value();
}

}  // namespace

TEST_SUITE("support") {
  TEST_CASE("a digest that fails is returned as the error and never cached") {
    jobc::testing::TempDir dir;
    CacheSetting setting((dir.path / "cache").string());
    fs::path data = dir.path / "data.bin";
    write_bytes(data, jobc::kMinCachedBytes + 10, 'x');
    int calls = 0;
    auto failing = [&]() -> jobc::Result<std::string> {
      ++calls;
      return jobc::fail("cannot read data.bin");
    };
    auto first = jobc::cached_digest("t", data, failing);
    REQUIRE_FALSE(first);
    CHECK(first.error().message == "cannot read data.bin");
    CHECK_FALSE(jobc::cached_digest("t", data, failing));
    CHECK(calls == 2);
  }

  TEST_CASE("a large unchanged file is hashed once across lookups; a change hashes it again") {
    jobc::testing::TempDir dir;
    CacheSetting setting((dir.path / "cache").string());
    fs::path data = dir.path / "data.bin";
    write_bytes(data, jobc::kMinCachedBytes + 10, 'x');
    CountingDigest digest;
    auto compute = [&] { return digest(); };
    std::string first = cached("t", data, compute);
    CHECK(cached("t", data, compute) == first);
    CHECK(digest.calls == 1);
    CHECK(cached("other-kind", data, compute) != first);  // kinds never mix
    CHECK(digest.calls == 2);
    write_bytes(data, jobc::kMinCachedBytes + 10, 'y');  // same size, new content and times
    CHECK(cached("t", data, compute) != first);
    CHECK(digest.calls == 3);
  }

  TEST_CASE("a folder's entry goes stale when a file in it changes or appears") {
    jobc::testing::TempDir dir;
    CacheSetting setting((dir.path / "cache").string());
    fs::path folder = dir.path / "corpus";
    write_bytes(folder / "a" / "train.txt", jobc::kMinCachedBytes, 'x');
    CountingDigest digest;
    auto compute = [&] { return digest(); };
    cached("t", folder, compute);
    cached("t", folder, compute);
    CHECK(digest.calls == 1);
    write_bytes(folder / "a" / "new.txt", 1, 'z');
    cached("t", folder, compute);
    CHECK(digest.calls == 2);
  }

  TEST_CASE("small files, symbolic links, 'off' and a broken cache all compute the digest") {
    jobc::testing::TempDir dir;
    CountingDigest digest;
    auto compute = [&] { return digest(); };
    fs::path small = dir.path / "small.txt";
    write_bytes(small, 100, 'x');
    fs::path large = dir.path / "tree" / "large.bin";
    write_bytes(large, jobc::kMinCachedBytes, 'x');
    {
      CacheSetting setting((dir.path / "cache").string());
      cached("t", small, compute);
      cached("t", small, compute);
      CHECK(digest.calls == 2);
      fs::create_symlink(large, dir.path / "tree" / "link");
      cached("t", dir.path / "tree", compute);
      cached("t", dir.path / "tree", compute);
      CHECK(digest.calls == 4);
    }
    {
      CacheSetting setting("off");
      cached("t", large, compute);
      cached("t", large, compute);
      CHECK(digest.calls == 6);
    }
    {
      write_bytes(dir.path / "not-a-folder", 1, 'x');  // the cache "folder" is a file
      CacheSetting setting((dir.path / "not-a-folder").string());
      CHECK(cached("t", large, compute).size() == 64);
      CHECK(cached("t", large, compute).size() == 64);
      CHECK(digest.calls == 8);
    }
  }

  TEST_CASE("a folder's key covers what its walk keeps: a left-out folder is never opened") {
    jobc::testing::TempDir dir;
    CacheSetting setting((dir.path / "cache").string());
    fs::path folder = dir.path / "tree";
    write_bytes(folder / "data.bin", jobc::kMinCachedBytes, 'x');
    write_bytes(folder / "scratch/tmp.bin", 10, 'x');
    jobc::TreeWalkOptions walk;
    walk.filter = [](const jobc::TreeEntry& entry) {
      return entry.relative == "scratch" ? jobc::TreeVisit::Leave : jobc::TreeVisit::Keep;
    };
    CountingDigest digest;
    auto compute = [&] { return digest(); };
    cached("t", folder, compute, walk);
    write_bytes(folder / "scratch/tmp.bin", 20, 'y');  // left out: the entry still holds
    fs::permissions(folder / "scratch", fs::perms::none);
    {
      jobc::testing::WithoutReadOverride obey_permissions;  // were it opened, no key: computed
      cached("t", folder, compute, walk);
    }
    fs::permissions(folder / "scratch", fs::perms::owner_all);
    CHECK(digest.calls == 1);
    write_bytes(folder / "data.bin", jobc::kMinCachedBytes + 1, 'x');
    cached("t", folder, compute, walk);
    CHECK(digest.calls == 2);
  }

  TEST_CASE("a damaged cache entry is not trusted") {
    jobc::testing::TempDir dir;
    CacheSetting setting((dir.path / "cache").string());
    fs::path data = dir.path / "data.bin";
    write_bytes(data, jobc::kMinCachedBytes, 'x');
    CountingDigest digest;
    auto compute = [&] { return digest(); };
    std::string first = cached("t", data, compute);
    for (const auto& entry : fs::directory_iterator(dir.path / "cache")) {
      std::ofstream(entry.path()) << "short\n";
    }
    CHECK(cached("t", data, compute).size() == 64);
    CHECK(digest.calls == 2);
  }
}
