// DigestPrefetch: which paths it hashes ahead, that its results are the ones computed in
// place, and that hashing it abandons stops.
#include "codegen/digest_prefetch.h"

#include <doctest/doctest.h>

#include <fstream>

#include "common/temp_dir.h"
#include "jobc/validate.h"
#include "support/folder_hashes.h"
#include "support/hash.h"

namespace {

namespace fs = std::filesystem;

void write(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << text;
}

jobc::SpecDocument document(const fs::path& dir, const nlohmann::json& root) {
  jobc::SpecDocument doc;
  doc.dir = dir;
  doc.display_path = (dir / "job.yml").string();
  doc.root = root;
  return doc;
}

}  // namespace

TEST_CASE("a prefetch hashes the local code, input and build folders a spec names, once each") {
  jobc::testing::TempDir dir;
  write(dir.path / "src/train.py", "print(1)\n");
  write(dir.path / "data/a.csv", "x,y\n1,2\n");
  write(dir.path / "ctx/Dockerfile", "FROM scratch\n");
  auto doc = document(dir.path, {
                                    {"code", "src"},
                                    {"environment", {{"build", {{"path", "ctx"}}}}},
                                    {"inputs",
                                     {{"local", {{"type", "uri_folder"}, {"path", "data"}}},
                                      {"again", {{"type", "uri_folder"}, {"path", "./data"}}},
                                      {"remote", {{"path", "azureml:corpus:1"}}},
                                      {"web", {{"path", "https://example.com/x.csv"}}},
                                      {"missing", {{"path", "not-there"}}},
                                      {"literal", 5}}},
                                });
  jobc::DigestPrefetch prefetch(jobc::preview_spec(doc).local_paths);
  const fs::path root = fs::canonical(dir.path);
  CHECK(prefetch.paths() == std::vector<fs::path>{root / "ctx", root / "data", root / "src"});
  for (const char* name : {"src", "data", "ctx"}) {
    CHECK(prefetch.upload_hash(dir.path / name).value() ==
          jobc::upload_hash(dir.path / name).value());
  }
}

TEST_CASE("a path the prefetch did not hash is hashed in place, and its errors surface there") {
  jobc::testing::TempDir dir;
  write(dir.path / "other/x.txt", "x");
  jobc::DigestPrefetch nothing(
      jobc::preview_spec(document(dir.path, {{"command", "true"}})).local_paths);
  CHECK(nothing.paths().empty());
  CHECK(nothing.upload_hash(dir.path / "other").value() ==
        jobc::upload_hash(dir.path / "other").value());
  CHECK_FALSE(nothing.upload_hash(dir.path / "absent").ok());
}

TEST_CASE("hashing on a thread whose stop flag is raised ends with 'hashing stopped'") {
  jobc::testing::TempDir dir;
  write(dir.path / "big.bin", std::string(300000, 'x'));  // several read chunks
  std::atomic<bool> stop{false};
  jobc::Hasher hasher(jobc::HashKind::Md5);
  {
    jobc::ScopedHashStop scope(stop);
    CHECK(hasher.update_file(dir.path / "big.bin"));
    stop = true;
    jobc::Status stopped = hasher.update_file(dir.path / "big.bin");
    REQUIRE_FALSE(stopped);
    CHECK(stopped.error().message == jobc::kHashingStopped);
  }
  // Outside the scope the flag no longer applies.
  CHECK(hasher.update_file(dir.path / "big.bin"));
}
