// `jobc compile` and `jobc submit` read a job's code folder by the same rules (the tree walk
// of support/tree_walk.h): a link out of the folder, a link loop and a name that is not UTF-8
// stop both with the same located message (never a crash, never a run folder left behind),
// and a folder .amlignore leaves out is never opened.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/run_command.h"
#include "common/temp_dir.h"
#include "common/without_read_override.h"

namespace fs = std::filesystem;
using jobc::testing::shell_quote;

namespace {

// A job whose code folder is src/, and a private JOBC_HOME.
struct CodeJob {
  jobc::testing::TempDir dir;
  CodeJob() {
    fs::create_directories(dir.path / "src");
    std::ofstream(dir.path / "src/train.py") << "print('trained')\n";
    std::ofstream(dir.path / "job.yml") << "command: python3 train.py\n"
                                           "code: src\n"
                                           "compute: local\n"
                                           "environment: {image: python:3.11-slim}\n";
  }
  fs::path src() const { return dir.path / "src"; }
  jobc::testing::CommandResult jobc(const std::string& args, const std::string& prefix = "") const {
    return jobc::testing::run_command("cd " + shell_quote(dir.path.string()) +
                                      " && JOBC_HOME=home JOBC_DIGEST_CACHE=off " + prefix +
                                      jobc::testing::jobc_command(args));
  }
  jobc::testing::CommandResult compile(const std::string& prefix = "") const {
    return jobc("compile job.yml -o out", prefix);
  }
  jobc::testing::CommandResult submit(const std::string& prefix = "") const {
    return jobc("submit --detach job.yml", prefix);
  }
  bool run_folders_left() const {
    const fs::path runs = dir.path / "home/runs";
    return fs::exists(runs) && !fs::is_empty(runs);
  }
};

// Both commands fail with `message` in a diagnostic located at the spec's `code:` line, and
// nothing is written.
void both_refuse(const CodeJob& job, const std::string& message) {
  auto compiled = job.compile();
  CAPTURE(compiled.err);
  CHECK(compiled.status == 1);
  CHECK(compiled.err.find("job.yml:2:") != std::string::npos);
  CHECK(compiled.err.find(message) != std::string::npos);
  CHECK_FALSE(fs::exists(job.dir.path / "out/manifest.json"));
  auto submitted = job.submit();
  CAPTURE(submitted.err);
  CHECK(submitted.status == 1);
  CHECK(submitted.err.find("job.yml:2:") != std::string::npos);
  CHECK(submitted.err.find(message) != std::string::npos);
  CHECK_FALSE(job.run_folders_left());
}

}  // namespace

TEST_SUITE("cli") {
  TEST_CASE("compile and submit refuse a code link to /etc with the same located message") {
    CodeJob job;
    fs::create_directory_symlink("/etc", job.src() / "etc");
    both_refuse(job, "'etc' is a symbolic link to '/etc', outside the folder");
  }

  TEST_CASE("compile and submit refuse symbolic link loops cleanly, leaving no run folder") {
    CodeJob job;
    fs::create_symlink("b", job.src() / "a");
    fs::create_symlink("a", job.src() / "b");
    both_refuse(job, "'a' -> 'b' is a symbolic link loop");
    fs::remove(job.src() / "a");
    fs::remove(job.src() / "b");
    fs::create_directories(job.src() / "pkg");
    fs::create_directory_symlink("..", job.src() / "pkg/up");
    both_refuse(job, "'pkg/up' is a symbolic link to '..', a folder that holds the link");
  }

  TEST_CASE("compile and submit refuse a file name that is not UTF-8, showing it escaped") {
    CodeJob job;
    std::ofstream(job.src() / "caf\xff.txt") << "x";
    both_refuse(job, "'caf\\xff.txt': the name is not valid UTF-8; rename it");
    CHECK(job.compile().err.find("json.exception") == std::string::npos);
  }

  TEST_CASE("a spec in a folder whose name is not UTF-8 is refused by name, not by a crash") {
    // Without experiment_name the folder's name is the experiment, written into the JSON.
    jobc::testing::TempDir dir;
    fs::path folder = dir.path / "exp\xff";
    fs::create_directories(folder);
    std::ofstream(folder / "job.yml") << "command: echo hi\nenvironment: {image: python:3.11}\n";
    for (const char* command :
         {"compile exp\xff/job.yml -o out", "submit --detach exp\xff/job.yml"}) {
      CAPTURE(command);
      auto result =
          jobc::testing::run_command("cd " + shell_quote(dir.path.string()) +
                                     " && JOBC_HOME=home " + jobc::testing::jobc_command(command));
      CHECK(result.status == 1);
      CHECK(result.err.find("exp\\xff") != std::string::npos);
      CHECK(result.err.find("is not valid UTF-8; rename it") != std::string::npos);
      CHECK(result.err.find("json.exception") == std::string::npos);
    }
    CHECK_FALSE(fs::exists(dir.path / "out"));
    CHECK((!fs::exists(dir.path / "home/runs") || fs::is_empty(dir.path / "home/runs")));
  }

  TEST_CASE("an unreadable folder that .amlignore leaves out stops neither compile nor submit") {
    CodeJob job;
    fs::create_directories(job.src() / "private");
    std::ofstream(job.src() / "private/key") << "k";
    std::ofstream(job.src() / ".amlignore") << "private/\n";
    fs::permissions(job.src() / "private", fs::perms::none);
    const std::string prefix = jobc::testing::without_read_override_prefix();
    auto probe = jobc::testing::run_command(prefix + "ls " + shell_quote(job.src() / "private"));
    auto compiled = job.compile(prefix);
    auto submitted = job.submit(prefix);
    fs::permissions(job.src() / "private", fs::perms::owner_all);
    if (probe.status == 0) {
      MESSAGE("skipped: a folder with mode 000 is readable here (no setpriv?)");
      return;
    }
    CHECK_MESSAGE(compiled.status == 0, compiled.err);
    CHECK_MESSAGE(submitted.status == 0, submitted.err);
    CHECK(jobc::testing::slurp(job.dir.path / "out/manifest.json").find("private") ==
          std::string::npos);
  }

  TEST_CASE("compile refuses a build context link to /etc/shadow instead of hashing it") {
    CodeJob job;
    fs::create_directories(job.dir.path / "ctx");
    std::ofstream(job.dir.path / "ctx/Dockerfile") << "FROM scratch\n";
    fs::create_symlink("/etc/shadow", job.dir.path / "ctx/shadow");
    std::ofstream(job.dir.path / "job.yml") << "command: python3 train.py\n"
                                               "environment: {build: {path: ctx}}\n";
    auto compiled = job.compile();
    CHECK(compiled.status == 1);
    CHECK(compiled.err.find("job.yml:2:") != std::string::npos);
    CHECK(compiled.err.find("'shadow' is a symbolic link to '/etc/shadow', outside the folder") !=
          std::string::npos);
    CHECK_FALSE(fs::exists(job.dir.path / "out/manifest.json"));
  }

  TEST_CASE("a build context's links inside it compile, and the image hash follows their target") {
    CodeJob job;
    const fs::path ctx = job.dir.path / "ctx";
    fs::create_directories(ctx / "v1");
    fs::create_directories(ctx / "v2");
    std::ofstream(ctx / "Dockerfile") << "FROM scratch\nCOPY current/ /app/\n";
    std::ofstream(ctx / "v1/app.py") << "1\n";
    std::ofstream(ctx / "v2/app.py") << "1\n";  // the same bytes: only the link tells them apart
    fs::create_directory_symlink("v1", ctx / "current");
    std::ofstream(job.dir.path / "job.yml") << "command: python3 train.py\n"
                                               "environment: {build: {path: ctx}}\n";
    auto first = job.compile();
    REQUIRE_MESSAGE(first.status == 0, first.err);
    auto image_hash = [&] {
      return nlohmann::json::parse(jobc::testing::slurp(job.dir.path / "out/manifest.json"))
          .at("environment")
          .at("hash")
          .get<std::string>();
    };
    const std::string first_hash = image_hash();
    fs::remove(ctx / "current");
    fs::create_directory_symlink("v2", ctx / "current");
    auto second = job.compile();
    REQUIRE_MESSAGE(second.status == 0, second.err);
    CHECK(image_hash() != first_hash);
  }
}
