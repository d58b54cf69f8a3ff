// The build context sent to the engine: .dockerignore rules as the engine reads them, only
// what the generated Dockerfile needs, and the same bytes for the same inputs.
#include "backends/docker/build_context.h"

#include <archive.h>
#include <archive_entry.h>
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <thread>

#include "common/compiled_spec.h"
#include "common/run_command.h"
#include "common/temp_dir.h"

namespace fs = std::filesystem;
using jobc::docker::BuildContextEntry;
using jobc::docker::BuildContextInputs;
using jobc::docker::DockerIgnore;

namespace {

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

std::vector<std::string> tar_names(const fs::path& tar) {
  std::vector<std::string> names;
  archive* reader = archive_read_new();
  archive_read_support_format_tar(reader);
  REQUIRE(archive_read_open_filename(reader, tar.c_str(), 10240) == ARCHIVE_OK);
  archive_entry* entry;
  while (archive_read_next_header(reader, &entry) == ARCHIVE_OK) {
    names.push_back(archive_entry_pathname(entry));
    CHECK(archive_entry_mtime(entry) == 946684800);
    CHECK(archive_entry_uid(entry) == 0);
  }
  archive_read_free(reader);
  return names;
}

}  // namespace

TEST_SUITE("docker_backend") {
  TEST_CASE("dockerignore: patterns from the root, folders cover their content, ! re-includes") {
    auto ignore = DockerIgnore::parse(
        "# comment\n"
        "*.log\n"
        "/data\n"
        "secrets/\n"
        "!secrets/public.txt\n"
        "**/__pycache__\n"
        "docs/*.md\n"
        "!docs/README.md\n"
        "  \n");
    CHECK(ignore.excluded("train.log"));
    CHECK_FALSE(ignore.excluded("logs/train.log"));  // '*' does not cross '/'
    CHECK(ignore.excluded("data"));
    CHECK(ignore.excluded("data/big.csv"));
    CHECK_FALSE(ignore.excluded("src/data"));
    CHECK(ignore.excluded("secrets/key.pem"));
    CHECK_FALSE(ignore.excluded("secrets/public.txt"));
    CHECK(ignore.excluded("__pycache__/x.pyc"));
    CHECK(ignore.excluded("src/pkg/__pycache__/x.pyc"));
    CHECK(ignore.excluded("docs/guide.md"));
    CHECK_FALSE(ignore.excluded("docs/README.md"));
    CHECK_FALSE(ignore.excluded("docs/sub/guide.md"));
    CHECK_FALSE(ignore.excluded("Dockerfile"));
    auto classes = DockerIgnore::parse("file[0-9].txt\n?.bin\n./build/../out\n");
    CHECK(classes.excluded("file7.txt"));
    CHECK_FALSE(classes.excluded("filex.txt"));
    CHECK(classes.excluded("a.bin"));
    CHECK_FALSE(classes.excluded("ab.bin"));
    CHECK(classes.excluded("out/x"));
  }

  TEST_CASE("the context holds the generated files and the user's context, less what is ignored") {
    jobc::testing::TempDir dir;
    fs::path artifacts = dir.path / "artifacts";
    fs::path context = dir.path / "context";
    write(artifacts / "Dockerfile", "FROM x\n");
    write(artifacts / "requirements.txt", "numpy\n");
    write(artifacts / "launch.sh", "echo\n");  // not needed by the build
    write(context / "Dockerfile", "FROM x\n");
    write(context / "app/main.py", "print()\n");
    write(context / "secret.env", "TOKEN=1\n");
    write(context / "data/big.bin", "...");
    write(context / ".dockerignore", "secret.env\ndata\n");
    auto listed = jobc::docker::list_build_context({artifacts, context, "Dockerfile"});
    REQUIRE(listed);
    const std::vector<BuildContextEntry>& entries = *listed;
    std::vector<std::string> names;
    for (const auto& entry : entries) names.push_back(entry.name);
    CHECK(names == std::vector<std::string>{".dockerignore", ".jobc/", ".jobc/Dockerfile",
                                            ".jobc/requirements.txt", "Dockerfile", "app/",
                                            "app/main.py"});
    fs::path tar1 = dir.path / "one.tar";
    fs::path tar2 = dir.path / "two.tar";
    REQUIRE(jobc::docker::write_build_context(entries, tar1));
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    fs::last_write_time(context / "app/main.py", fs::file_time_type::clock::now());
    REQUIRE(jobc::docker::write_build_context(entries, tar2));
    CHECK(jobc::testing::slurp(tar1) == jobc::testing::slurp(tar2));  // mtimes do not leak in
    CHECK(tar_names(tar1) == names);
  }

  TEST_CASE("a context link leading outside, or looping, is refused with its name") {
    jobc::testing::TempDir dir;
    write(dir.path / "artifacts/Dockerfile", "FROM x\n");
    fs::path context = dir.path / "context";
    write(context / "Dockerfile", "FROM x\n");
    write(context / "app/main.py", "print()\n");
    fs::create_symlink("main.py", context / "app/alias.py");  // inside: kept as a link
    BuildContextInputs inputs{dir.path / "artifacts", context, "Dockerfile"};
    auto listed = jobc::docker::list_build_context(inputs);
    REQUIRE_MESSAGE(listed.ok(), listed.error().message);
    const std::vector<BuildContextEntry>& entries = *listed;
    auto alias = std::find_if(entries.begin(), entries.end(), [](const BuildContextEntry& entry) {
      return entry.name == "app/alias.py";
    });
    REQUIRE(alias != entries.end());
    CHECK(alias->type == BuildContextEntry::Type::Symlink);
    fs::create_symlink("/etc/shadow", context / "shadow");
    auto outside = jobc::docker::list_build_context(inputs);
    REQUIRE_FALSE(outside);
    CHECK(outside.error().message.find(
              "'shadow' is a symbolic link to '/etc/shadow', outside the folder") !=
          std::string::npos);
    fs::remove(context / "shadow");
    fs::create_directory_symlink("..", context / "app/up");
    auto looping = jobc::docker::list_build_context(inputs);
    REQUIRE_FALSE(looping);
    CHECK(looping.error().message.find(
              "'app/up' is a symbolic link to '..', a folder that holds the link") !=
          std::string::npos);
    // What .dockerignore leaves out is not looked at.
    write(context / ".dockerignore", "app/up\n");
    auto ignored = jobc::docker::list_build_context(inputs);
    CHECK_MESSAGE(ignored.ok(), ignored.error().message);
  }

  TEST_CASE("an image environment's context is the generated files alone") {
    jobc::testing::TempDir dir;
    write(dir.path / "Dockerfile", "FROM x\n");
    write(dir.path / "conda.yaml", "dependencies: []\n");
    auto listed = jobc::docker::list_build_context({dir.path, std::nullopt, "Dockerfile"});
    REQUIRE(listed);
    const std::vector<BuildContextEntry>& entries = *listed;
    REQUIRE(entries.size() == 3);
    CHECK(entries[0].name == ".jobc/");
    CHECK(entries[1].name == ".jobc/Dockerfile");
    CHECK(entries[2].name == ".jobc/conda.yaml");
  }

  TEST_CASE("the context's own conda.yaml and requirements.txt stay beside jobc's") {
    jobc::testing::TempDir dir;
    write(dir.path / "artifacts/Dockerfile", "FROM x\n");
    write(dir.path / "artifacts/requirements.txt", "numpy\n");
    write(dir.path / "artifacts/conda.yaml", "dependencies: [python]\n");
    write(dir.path / "context/requirements.txt", "pandas\n");
    write(dir.path / "context/conda.yaml", "dependencies: []\n");
    auto listed = jobc::docker::list_build_context(
        {dir.path / "artifacts", dir.path / "context", "Dockerfile"});
    REQUIRE_MESSAGE(listed.ok(), listed.error().message);
    const std::vector<BuildContextEntry>& entries = *listed;
    std::map<std::string, std::string> sources;
    for (const auto& entry : entries) sources[entry.name] = entry.source.string();
    CHECK(sources.at("requirements.txt") == (dir.path / "context/requirements.txt").string());
    CHECK(sources.at("conda.yaml") == (dir.path / "context/conda.yaml").string());
    CHECK(sources.at(".jobc/requirements.txt") ==
          (dir.path / "artifacts/requirements.txt").string());
    CHECK(sources.at(".jobc/conda.yaml") == (dir.path / "artifacts/conda.yaml").string());
  }

  TEST_CASE("the generated Dockerfile copies jobc's package files from .jobc/") {
    jobc::testing::TempDir dir;
    write(dir.path / "context/Dockerfile", "FROM x\n");
    auto compiled = jobc::testing::compile_spec_text(
        dir.path,
        "command: echo\nenvironment:\n  build: {path: context}\n  conda_file:\n"
        "    dependencies: [python=3.11, {pip: [numpy]}]\n");
    std::string dockerfile = compiled.result.outputs.find("Dockerfile")->content;
    CHECK(dockerfile.find("COPY .jobc/conda.yaml /opt/jobc/conda.yaml") != std::string::npos);
    CHECK(dockerfile.find("COPY .jobc/requirements.txt /opt/jobc/") != std::string::npos);
    CHECK(dockerfile.find("COPY conda.yaml") == std::string::npos);
    CHECK(dockerfile.find("COPY requirements.txt") == std::string::npos);
  }
}
