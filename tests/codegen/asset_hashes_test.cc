// Asset hashes against the Azure ML SDK 1.4.0: unit cases whose expected values came from
// running the SDK's own functions (get_object_hash, get_content_hash, Environment(...,
// is_anonymous=True)) on the same trees, and the conformance corpus, where every uploaded
// blob, code version and anonymous environment must come out as the SDK made them.
#include "backends/azureml/asset_hashes.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/without_read_override.h"
#include "support/digest_cache.h"
#include "support/hash.h"
#include "support/pyyaml_dump.h"
#include "support/yaml11_test_loader.h"

namespace {

namespace fs = std::filesystem;

// A folder under the temp directory, removed when the test ends.
class TempTree {
 public:
  explicit TempTree(const std::string& name)
      : root_(fs::temp_directory_path() /
              ("jobc-asset-hashes-" + std::to_string(::getpid()) + "-" + name)) {
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  ~TempTree() { fs::remove_all(root_); }
  const fs::path& root() const { return root_; }
  void write(const std::string& relative, const std::string& content) const {
    fs::create_directories((root_ / relative).parent_path());
    std::ofstream(root_ / relative, std::ios::binary) << content;
  }

 private:
  fs::path root_;
};

const std::pair<const char*, const char*> kTreeFiles[] = {
    {"B.txt", "upper b\n"},
    {"a.txt", "lower a\n"},
    {"a/x", "in a"},
    {"app.log", "log\n"},
    {"secret.txt", "s\n"},
    {"build/out.o", "obj"},
    {"build/sub/x", "x"},
    {"nested/secret.txt", "kept: only the root one is anchored"},
    {"nested/deep/a.tmp", "tmp"},
    {"nested/deep/keep.py", "print(1)\n"},
    {"Zeta/z.py", "z"},
    {"caf\xc3\xa9.txt", "unicode name"},
};

constexpr const char* kAmlignore = "*.log\nbuild/\n/secret.txt\n# comment\nnested/deep/*.tmp\n";
constexpr const char* kGitignore = "*.txt\n";

void fill_tree(const TempTree& tree) {
  for (const auto& [path, content] : kTreeFiles) tree.write(path, content);
  fs::create_directories(tree.root() / "nested/empty");
}

struct FolderCase {
  const char* label;
  bool amlignore;
  bool gitignore;
  const char* upload_md5;
  const char* content_sha256;
  std::vector<std::string> files;  // in the SDK's sorted(relpath.lower()) order
};

const FolderCase kFolders[] = {
    {"none",
     false,
     false,
     "57ebcecfa44069f17bc099a91dd6dffe",
     "143f18bdf071b8f8bbc4ae1cb14f77ca4216e1439b9498a03174ba241cfbbf1d",
     {"a.txt", "a/x", "app.log", "B.txt", "build/out.o", "build/sub/x", "caf\xc3\xa9.txt",
      "nested/deep/a.tmp", "nested/deep/keep.py", "nested/secret.txt", "secret.txt", "Zeta/z.py"}},
    {"amlignore",
     true,
     false,
     "3d94e339d1b8142c50532e73635ef861",
     "41dfdc3f1a4e61f4aa74551fcf1772552fd2c7a1a727550c2882b8cd8ce23f28",
     {".amlignore", "a.txt", "a/x", "B.txt", "caf\xc3\xa9.txt", "nested/deep/keep.py",
      "nested/secret.txt", "Zeta/z.py"}},
    {"gitignore",
     false,
     true,
     "119df90617b60839b761bcb06f6f56f3",
     "595ea4d62e616f0b576b2e805ba2fa25f9d252f0517302d51e35511f984c3052",
     {".gitignore", "a/x", "app.log", "build/out.o", "build/sub/x", "nested/deep/a.tmp",
      "nested/deep/keep.py", "Zeta/z.py"}},
    {"both: .amlignore wins",
     true,
     true,
     "20a529f4b3ada1384509f5937290ae5a",
     "d16953dbd87c1bbd6a47ec5e72d6a516e3a4a8de8d325db8d44d8b18bab61ded",
     {".amlignore", ".gitignore", "a.txt", "a/x", "B.txt", "caf\xc3\xa9.txt", "nested/deep/keep.py",
      "nested/secret.txt", "Zeta/z.py"}},
};

// The message a failed hash or listing gives; empty when it succeeded.
template <class T>
std::string error_of(const jobc::Result<T>& result) {
  return result.ok() ? "" : result.error().message;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<std::string> relative_paths(const std::vector<jobc::SnapshotFile>& files) {
  std::vector<std::string> out;
  for (const auto& file : files) out.push_back(file.relative_path);
  return out;
}

const fs::path kCorpus = fs::path(JOBC_SHARED_DIR) / "conformance";

bool corpus_present() {
  return fs::exists(kCorpus / "expected");
}

// Every expected/<spec>.json with the spec it describes, loaded the way the SDK read it.
struct CorpusCase {
  fs::path spec_path;
  nlohmann::json spec;
  nlohmann::json expected;
};

std::vector<CorpusCase> corpus_cases() {
  std::vector<CorpusCase> cases;
  for (const auto& entry : fs::recursive_directory_iterator(kCorpus / "expected")) {
    if (entry.path().extension() != ".json") continue;
    fs::path relative = entry.path().lexically_relative(kCorpus / "expected");
    fs::path spec_path = kCorpus / "specs" / relative.replace_extension();
    nlohmann::json expected = nlohmann::json::parse(read_file(entry.path()));
    if (!expected["errors"].empty()) continue;  // rejected by the SDK: nothing to compare
    cases.push_back({spec_path, jobc::testing::load_yaml11_file(spec_path), expected});
  }
  return cases;
}

// Where code and environment sit: a sweep job keeps them under `trial`.
const nlohmann::json& runnable(const nlohmann::json& spec) {
  return spec.contains("trial") ? spec["trial"] : spec;
}

// Local files and folders a spec names (code, build contexts, inputs), by absolute path.
std::vector<fs::path> local_paths(const CorpusCase& c) {
  std::vector<fs::path> out;
  auto consider = [&](const nlohmann::json& value) {
    if (!value.is_string()) return;
    fs::path path = c.spec_path.parent_path() / value.get<std::string>();
    if (value.get<std::string>().find(':') == std::string::npos && fs::exists(path)) {
      out.push_back(fs::canonical(path));
    }
  };
  const nlohmann::json& spec = runnable(c.spec);
  consider(spec.value("code", nlohmann::json()));
  if (spec.contains("build")) consider(spec["build"].value("path", nlohmann::json()));
  if (spec.contains("environment") && spec["environment"].is_object() &&
      spec["environment"].contains("build")) {
    consider(spec["environment"]["build"].value("path", nlohmann::json()));
  }
  if (c.spec.contains("inputs") && c.spec["inputs"].is_object()) {
    for (const auto& [name, input] : c.spec["inputs"].items()) {
      if (input.is_object()) consider(input.value("path", nlohmann::json()));
    }
  }
  return out;
}

// The environment version the SDK computes for an inline environment of a job spec.
std::string anonymous_version(const CorpusCase& c) {
  const nlohmann::json& environment = runnable(c.spec).at("environment");
  const fs::path dir = c.spec_path.parent_path();
  if (environment.contains("build")) {
    const nlohmann::json& build = environment["build"];
    return jobc::anonymous_environment_version(jobc::BuildEnvironmentIdentity{
        jobc::upload_hash(dir / build.at("path").get<std::string>()).value(),
        build.value("dockerfile_path", "")});
  }
  jobc::ImageEnvironmentIdentity identity{environment.at("image").get<std::string>(),
                                          environment.value("inference_config", nlohmann::json()),
                                          ""};
  if (environment.contains("conda_file")) {
    const nlohmann::json& conda = environment["conda_file"];
    identity.conda_yaml = jobc::pyyaml_dump(
        conda.is_string() ? jobc::testing::load_yaml11_file(dir / conda.get<std::string>())
                          : conda);
  }
  return jobc::anonymous_environment_version(identity);
}

}  // namespace

TEST_SUITE("codegen") {
  TEST_CASE("folder hashes and file lists match the SDK, with and without ignore files") {
    for (const auto& row : kFolders) {
      CAPTURE(row.label);
      TempTree tree("folder");
      fill_tree(tree);
      if (row.amlignore) tree.write(".amlignore", kAmlignore);
      if (row.gitignore) tree.write(".gitignore", kGitignore);
      CHECK(jobc::upload_hash(tree.root()).value() == row.upload_md5);
      CHECK(jobc::code_content_hash(tree.root()).value() == row.content_sha256);
      CHECK(relative_paths(jobc::snapshot_files(tree.root()).value()) == row.files);
    }
  }

  TEST_CASE("a directory excluded only by 'dir/' still puts its name into the upload hash") {
    TempTree tree("dir-rule");
    fill_tree(tree);
    tree.write(".amlignore", kAmlignore);
    const std::string with_build = jobc::upload_hash(tree.root()).value();
    const std::string content = jobc::code_content_hash(tree.root()).value();
    fs::remove_all(tree.root() / "build");
    CHECK(jobc::upload_hash(tree.root()).value() != with_build);
    CHECK(jobc::code_content_hash(tree.root()).value() == content);
  }

  TEST_CASE("a single file: its bytes for the upload hash, its name for the content hash") {
    TempTree tree("file");
    fill_tree(tree);
    const fs::path file = tree.root() / "a.txt";
    CHECK(jobc::upload_hash(file).value() == "1e99cf10de6a05c0664fb27ceb4700e8");
    CHECK(jobc::upload_hash(file).value() ==
          jobc::md5_hex("Initialize for october 2021 AML CLI version" + read_file(file)));
    CHECK(jobc::code_content_hash(file).value() ==
          "69170ce3080417e3c51fc2ed414be99bb8e6d6e2f98b865ec53d2f31a4b6f336");
    CHECK(jobc::code_content_hash(file).value() == jobc::sha256_hex("1#a.txt#8lower a\n"));
    auto files = jobc::snapshot_files(file).value();
    REQUIRE(files.size() == 1);
    CHECK(files[0].relative_path == "a.txt");
    CHECK(files[0].size == 8);
  }

  TEST_CASE("an empty folder") {
    TempTree tree("empty");
    CHECK(jobc::upload_hash(tree.root()).value() == "bf6fb7b1e88207436d2a346c6bcf7ded");
    CHECK(jobc::code_content_hash(tree.root()).value() ==
          "5feceb66ffc86f38d952786c6d696c79c2dbc239dd4e91b46729d73a27fb57e9");
  }

  TEST_CASE("links inside the folder are followed as the SDK follows them") {
    // Expected values: the SDK's algorithm (get_object_hash, get_content_hash) on this tree.
    TempTree tree("links");
    tree.write("real.txt", "real\n");
    tree.write("sub/inner.txt", "inner\n");
    fs::create_directory_symlink(tree.root() / "sub", tree.root() / "linkdir");
    fs::create_symlink("real.txt", tree.root() / "alias.txt");
    CHECK(jobc::upload_hash(tree.root()).value() == "0a8a9f32a77d96b653dc69674de3d19c");
    CHECK(jobc::code_content_hash(tree.root()).value() ==
          "f886a78f8ada98dcbc9449052aa1d4b83fa0895746d71983a1bf0c2e59d1e65a");
    CHECK(relative_paths(jobc::snapshot_files(tree.root()).value()) ==
          std::vector<std::string>{"alias.txt", "linkdir/inner.txt", "real.txt", "sub/inner.txt"});
  }

  TEST_CASE("a link leading outside the folder, or a loop, fails every hash with its name") {
    // The SDK would hash and upload the file outside, and walk a loop until Python gives up.
    TempTree outside("outside");
    outside.write("outside.txt", "outside\n");
    TempTree tree("bad-links");
    tree.write("real.txt", "real\n");
    tree.write("sub/inner.txt", "inner\n");
    fs::create_symlink(outside.root() / "outside.txt", tree.root() / "ext.txt");
    const std::string leaves = "'ext.txt' is a symbolic link to '" +
                               (outside.root() / "outside.txt").string() + "', outside the folder";
    CHECK(error_of(jobc::upload_hash(tree.root())).find(leaves) != std::string::npos);
    CHECK(error_of(jobc::code_content_hash(tree.root())).find(leaves) != std::string::npos);
    CHECK(error_of(jobc::snapshot_files(tree.root())).find(leaves) != std::string::npos);
    fs::remove(tree.root() / "ext.txt");
    fs::create_directory_symlink(tree.root(), tree.root() / "sub" / "loop");
    const std::string loops = "'sub/loop' is a symbolic link to '" + tree.root().string() +
                              "', a folder that holds the link: a symbolic link loop";
    CHECK(error_of(jobc::upload_hash(tree.root())).find(loops) != std::string::npos);
    CHECK(error_of(jobc::snapshot_files(tree.root())).find(loops) != std::string::npos);
    // An .amlignore'd link is never looked at, as the SDK never looks at it.
    tree.write(".amlignore", "loop\n");
    CHECK(jobc::snapshot_files(tree.root()).value().size() == 3);
  }

  TEST_CASE("a folder .amlignore leaves out whole is never opened, and hashes as the SDK's") {
    // Expected: the SDK hashes the name "secret" (a `dir/` rule) but nothing inside it.
    TempTree tree("locked");
    tree.write("train.py", "print(1)\n");
    tree.write("secret/deep/key", "k");
    tree.write(".amlignore", "secret/\n");
    fs::permissions(tree.root() / "secret", fs::perms::none);
    std::string upload;
    std::string content;
    std::vector<std::string> files;
    bool unreadable = false;
    {
      jobc::testing::WithoutReadOverride obey_permissions;
      unreadable = !jobc::testing::can_list(tree.root() / "secret");
      upload = jobc::upload_hash(tree.root()).value();
      content = jobc::code_content_hash(tree.root()).value();
      files = relative_paths(jobc::snapshot_files(tree.root()).value());
    }
    fs::permissions(tree.root() / "secret", fs::perms::owner_all);
    if (!unreadable) MESSAGE("this process reads a folder with mode 000: only the hashes count");
    CHECK(upload == "970a24ca480861eb5bdb6a9520350b3f");
    CHECK(content == "d97a47a323a03bbf4ef3a3c0f79b8d6b6e276835c802ba9ef6dd7375352db8de");
    CHECK(files == std::vector<std::string>{".amlignore", "train.py"});
  }

  TEST_CASE("a cached upload hash follows the .amlignore that chooses what it covers") {
    TempTree tree("cached");
    tree.write("model.bin", std::string(jobc::kMinCachedBytes, 'm'));  // large enough to cache
    tree.write("notes.log", "one\n");
    tree.write(".amlignore", "*.log\n");
    TempTree cache("cache");
    const char* saved = std::getenv("JOBC_DIGEST_CACHE");
    const std::string restore = saved != nullptr ? saved : "";
    setenv("JOBC_DIGEST_CACHE", cache.root().c_str(), 1);
    const std::string first = jobc::upload_hash(tree.root()).value();
    tree.write("notes.log", "two\n");  // ignored: the same hash
    const std::string ignored_change = jobc::upload_hash(tree.root()).value();
    tree.write(".amlignore", "*.tmp\n");  // now the log counts
    const std::string rules_change = jobc::upload_hash(tree.root()).value();
    setenv("JOBC_DIGEST_CACHE", "off", 1);
    const std::string uncached = jobc::upload_hash(tree.root()).value();
    setenv("JOBC_DIGEST_CACHE", restore.c_str(), 1);
    CHECK(ignored_change == first);
    CHECK(rules_change != first);
    CHECK(rules_change == uncached);
  }

  TEST_CASE("root_ignore_rules reads .amlignore before .gitignore") {
    TempTree tree("rules");
    CHECK(jobc::root_ignore_rules(tree.root()).value().empty());
    tree.write(".gitignore", "*.txt\n");
    CHECK(jobc::root_ignore_rules(tree.root()).value().ignored("a.txt", false));
    tree.write(".amlignore", "*.log\n[z-a]\n");
    jobc::IgnoreRules rules = jobc::root_ignore_rules(tree.root()).value();
    CHECK_FALSE(rules.ignored("a.txt", false));
    CHECK(rules.ignored("a.log", false));
    CHECK(rules.invalid_lines().size() == 1);
  }

  TEST_CASE("anonymous environment versions match the SDK") {
    const nlohmann::json conda = {{"name", "env"},
                                  {"dependencies", {"python=3.8", {{"pip", {"numpy"}}}}}};
    const std::string conda_yaml = jobc::pyyaml_dump(conda);
    CHECK(conda_yaml == "dependencies:\n- python=3.8\n- pip:\n  - numpy\nname: env\n");
    const nlohmann::json inference = {{"liveness_route", {{"port", 5001}, {"path", "/"}}},
                                      {"scoring_route", {{"port", 5001}, {"path", "/score"}}}};

    using Image = jobc::ImageEnvironmentIdentity;
    CHECK(jobc::anonymous_environment_version(Image{"library/python:latest", nullptr, ""}) ==
          "e6b10c1cf68e59c9ebd6f84184973c4b");
    CHECK(jobc::anonymous_environment_version(
              Image{"mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04", nullptr, conda_yaml}) ==
          "53bf3446fc2c12cb50c7174d01163771");
    CHECK(jobc::anonymous_environment_version(Image{"library/python:latest", inference, ""}) ==
          "9953d9c27dbca6d38db033ad2fe40453");
    CHECK(jobc::anonymous_environment_version(Image{"img", {{"a", "b"}}, conda_yaml}) ==
          "3494d1362a200da08f2cf4d819e610b8");
    // An empty inference_config is falsy in Python: not hashed.
    CHECK(jobc::anonymous_environment_version(
              Image{"library/python:latest", nlohmann::json::object(), ""}) ==
          "e6b10c1cf68e59c9ebd6f84184973c4b");

    using Build = jobc::BuildEnvironmentIdentity;
    CHECK(jobc::anonymous_environment_version(Build{"3d94e339d1b8142c50532e73635ef861", ""}) ==
          "59ad5aadf7d61bd4d1d0cf2eb733a9c1");
    CHECK(jobc::anonymous_environment_version(
              Build{"3d94e339d1b8142c50532e73635ef861", "docker/Dockerfile.gpu"}) ==
          "7e0d9868379e103d5076a3477ddeeef3");
  }

  TEST_CASE("uuid_from_md5_hex formats like Python's str(uuid.UUID(hex))") {
    CHECK(jobc::uuid_from_md5_hex("54aeb177d2a41b8fad0af3dd41341ad5") ==
          "54aeb177-d2a4-1b8f-ad0a-f3dd41341ad5");
    CHECK(jobc::uuid_from_md5_hex("{54AEB177-D2A4-1B8F-AD0A-F3DD41341AD5}") ==
          "54aeb177-d2a4-1b8f-ad0a-f3dd41341ad5");
    CHECK(jobc::uuid_from_md5_hex("urn:uuid:54aeb177d2a41b8fad0af3dd41341ad5") ==
          "54aeb177-d2a4-1b8f-ad0a-f3dd41341ad5");
    CHECK_THROWS_AS(jobc::uuid_from_md5_hex("54aeb177"), std::invalid_argument);
    CHECK_THROWS_AS(jobc::uuid_from_md5_hex("54aeb177d2a41b8fad0af3dd41341adz"),
                    std::invalid_argument);
  }

  TEST_CASE("corpus: code assets hash like the SDK's") {
    if (!corpus_present()) {
      MESSAGE("skipped: ../shared/conformance is absent");
      return;
    }
    int checked = 0;
    for (const CorpusCase& c : corpus_cases()) {
      if (!c.expected.contains("code_asset")) continue;
      CAPTURE(c.spec_path.string());
      const nlohmann::json& asset = c.expected["code_asset"];
      const fs::path code =
          fs::canonical(c.spec_path.parent_path() / runnable(c.spec).at("code").get<std::string>());
      const std::string md5 = jobc::upload_hash(code).value();
      CHECK(md5 == asset["object_hash_md5"]);
      CHECK(jobc::code_content_hash(code).value() == asset["hash_sha256"]);
      CHECK(jobc::uuid_from_md5_hex(md5) == asset["name"]);
      CHECK("LocalUpload/" + md5 + "/" + code.filename().string() == asset["blob_prefix"]);
      ++checked;
    }
    CHECK(checked >= 20);
    MESSAGE("code assets checked: " << checked);
  }

  TEST_CASE("corpus: every uploaded blob is a snapshot file under its upload hash") {
    if (!corpus_present()) {
      MESSAGE("skipped: ../shared/conformance is absent");
      return;
    }
    int blobs = 0;
    for (const CorpusCase& c : corpus_cases()) {
      CAPTURE(c.spec_path.string());
      // What the SDK wrote: blob name -> (size, md5), data uploads only (not metadata).
      std::map<std::string, std::pair<uint64_t, std::string>> uploaded;
      for (const auto& request : c.expected.value("requests", nlohmann::json::array())) {
        if (request["method"] == "PUT" && request.contains("blob") && request.contains("size")) {
          uploaded[request["blob"]] = {request["size"], request["md5"]};
        }
      }
      // What jobc would upload for each local path the spec names.
      std::map<std::string, std::pair<uint64_t, std::string>> predicted;
      std::set<fs::path> seen;
      for (const fs::path& path : local_paths(c)) {
        if (!seen.insert(path).second) continue;
        const std::string prefix =
            "LocalUpload/" + jobc::upload_hash(path).value() + "/" + path.filename().string();
        const std::vector<jobc::SnapshotFile> files = jobc::snapshot_files(path).value();
        for (const jobc::SnapshotFile& file : files) {
          std::string blob = fs::is_directory(path) ? prefix + "/" + file.relative_path : prefix;
          predicted[blob] = {file.size, jobc::md5_hex(read_file(file.source))};
        }
      }
      CHECK(predicted == uploaded);
      blobs += static_cast<int>(uploaded.size());
    }
    CHECK(blobs > 50);
    MESSAGE("uploaded blobs matched: " << blobs);
  }

  TEST_CASE("corpus: anonymous environment versions match the SDK's") {
    if (!corpus_present()) {
      MESSAGE("skipped: ../shared/conformance is absent");
      return;
    }
    int checked = 0;
    for (const CorpusCase& c : corpus_cases()) {
      if (!c.expected.contains("anonymous_environment")) continue;
      CAPTURE(c.spec_path.string());
      const nlohmann::json& expected = c.expected["anonymous_environment"];
      CHECK(expected["name"] == "CliV2AnonymousEnvironment");
      const std::string version = anonymous_version(c);
      CHECK(version == expected["version"]);
      CHECK(c.expected["payload"]["properties"]["environmentId"].get<std::string>().ends_with(
          "/environments/CliV2AnonymousEnvironment/versions/" + version));
      ++checked;
    }
    CHECK(checked >= 10);
    MESSAGE("anonymous environments checked: " << checked);
  }
}
