// `jobc validate`, `jobc schema` and `jobc explain` as a user runs them: exit statuses,
// output formats, folders, --set and --werror.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <fstream>

#include "common/run_command.h"
#include "common/temp_dir.h"

using jobc::testing::jobc_command;
using jobc::testing::run_command;

namespace {

std::string fixture(const std::string& name) {
  return jobc::testing::shell_quote(std::string(JOBC_SOURCE_DIR) + "/tests/fixtures/diagnostics/" +
                                    name);
}

std::string example(const std::string& name) {
  return jobc::testing::shell_quote(std::string(JOBC_SOURCE_DIR) + "/examples/" + name);
}

}  // namespace

TEST_SUITE("cli") {
  TEST_CASE("exit status: 0 valid, 1 invalid, 2 usage or I/O error") {
    CHECK(run_command(jobc_command("validate " + example("quickstart/job.yml"))).status == 0);
    CHECK(run_command(jobc_command("validate " + fixture("E010-unknown-key.yml"))).status == 1);
    CHECK(run_command(jobc_command("validate /no/such/spec.yml")).status == 2);
    CHECK(run_command(jobc_command("validate --format xml " + example("quickstart/job.yml")))
              .status == 2);
    CHECK(run_command(jobc_command("frobnicate")).status == 2);
    CHECK(run_command(jobc_command("validate --set nonsense " + example("quickstart/job.yml")))
              .status == 2);
  }

  TEST_CASE("gcc format shows location, source line, caret and a summary") {
    auto result = run_command(jobc_command("validate " + fixture("E010-unknown-key.yml")));
    CHECK(result.err.find("E010-unknown-key.yml:2:1: error[E010]: unknown key 'comand'") !=
          std::string::npos);
    CHECK(result.err.find(" 2 | comand: python train.py") != std::string::npos);
    CHECK(result.err.find("   | ^~~~~~") != std::string::npos);
    CHECK(result.err.find("note: did you mean 'command'?") != std::string::npos);
    CHECK(result.err.find("1 spec checked, 2 errors, 0 warnings") != std::string::npos);
    // Diagnostics are in line order within a file.
    CHECK(result.err.find(":2:1:") < result.err.find(":7:3:"));
  }

  TEST_CASE("the caret of an undeclared reference underlines all of it, spaced or not") {
    jobc::testing::TempDir dir;
    std::ofstream(dir.path / "job.yml")
        << "$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json\n"
           "command: python train.py --lr ${{ inputs.learning_rate }} --x ${{inputs.xx}}\n"
           "environment: azureml:AzureML-sklearn-1.0-ubuntu20.04-py38-cpu@latest\n";
    auto result = run_command(
        jobc_command("validate " + jobc::testing::shell_quote((dir.path / "job.yml").string())));
    CHECK(result.status == 1);
    std::string spaced = "${{ inputs.learning_rate }}";
    std::string plain = "${{inputs.xx}}";
    CHECK(result.err.find("   | " + std::string(30, ' ') + "^" +
                          std::string(spaced.size() - 1, '~') + "\n") != std::string::npos);
    CHECK(result.err.find("   | " + std::string(62, ' ') + "^" +
                          std::string(plain.size() - 1, '~') + "\n") != std::string::npos);
  }

  TEST_CASE("json format is an array of located diagnostics on stdout") {
    auto result =
        run_command(jobc_command("validate --format json " + fixture("E022-undeclared-input.yml")));
    CHECK(result.status == 1);
    auto diagnostics = nlohmann::json::parse(result.out);
    REQUIRE(diagnostics.is_array());
    REQUIRE(diagnostics.size() == 3);
    CHECK(diagnostics[0]["code"] == "E022");
    CHECK(diagnostics[0]["line"] == 3);
    CHECK(diagnostics[0]["column"] == 31);
    CHECK(diagnostics[0]["severity"] == "error");
    CHECK(diagnostics[2]["severity"] == "warning");
  }

  TEST_CASE("github format writes workflow annotations") {
    auto result = run_command(
        jobc_command("validate --format github " + fixture("E028-inline-password.yml")));
    CHECK(result.status == 1);
    CHECK(result.out.find("::error file=") == 0);
    CHECK(result.out.find(",line=7,col=3,title=jobc E028::registry password is written inline") !=
          std::string::npos);
    CHECK(result.out.find("%0Anote: ") != std::string::npos);  // newlines escaped
  }

  TEST_CASE("warnings pass unless --werror") {
    std::string spec = fixture("W002-secret-env-var.yml");
    CHECK(run_command(jobc_command("validate " + spec)).status == 0);
    auto strict = run_command(jobc_command("validate --werror " + spec));
    CHECK(strict.status == 1);
    CHECK(strict.err.find("error[W002]") != std::string::npos);
  }

  TEST_CASE("--set overrides a field before validation") {
    std::string spec = fixture("E011-wrong-type.yml");
    CHECK(run_command(jobc_command("validate " + spec)).status == 1);
    CHECK(run_command(jobc_command("validate --set resources.instance_count=2 " + spec)).status ==
          0);
    auto wrong = run_command(jobc_command("validate --set resources.instance_count=many " + spec));
    CHECK(wrong.status == 1);
    CHECK(wrong.err.find("the value comes from --set resources.instance_count=many") !=
          std::string::npos);
  }

  TEST_CASE("folders are searched for specs; several paths in one call") {
    auto result = run_command(jobc_command("validate " + example("")));
    CHECK_MESSAGE(result.status == 0, result.err);
    CHECK(result.err.find("specs checked, 0 errors") != std::string::npos);
    auto mixed = run_command(jobc_command("validate " + example("quickstart/job.yml") + " " +
                                          fixture("E012-missing-key.yml")));
    CHECK(mixed.status == 1);
    CHECK(mixed.err.find("2 specs checked, 1 error") != std::string::npos);
  }

  TEST_CASE("a folder that holds no spec is an error, not a pass") {
    jobc::testing::TempDir dir;
    std::filesystem::create_directories(dir.path / "empty");
    std::filesystem::create_directories(dir.path / "conda-only");
    std::ofstream(dir.path / "conda-only" / "conda.yml") << "name: x\ndependencies: [python]\n";
    for (const char* folder : {"empty", "conda-only"}) {
      CAPTURE(folder);
      std::string path = (dir.path / folder).string();
      auto result = run_command(jobc_command("validate " + jobc::testing::shell_quote(path)));
      CHECK(result.status == 2);
      CHECK(result.err.find("no specs found in '" + path + "'") != std::string::npos);
    }
    // A folder with specs beside an empty one still reports the empty one.
    auto mixed =
        run_command(jobc_command("validate " + example("quickstart") + " " +
                                 jobc::testing::shell_quote((dir.path / "empty").string())));
    CHECK(mixed.status == 2);
  }

  TEST_CASE("a spec referenced by another and also found in the folder is reported once") {
    jobc::testing::TempDir dir;
    std::ofstream(dir.path / "env.yml")
        << "$schema: https://azuremlschemas.azureedge.net/latest/environment.schema.json\n"
           "name: e\nimage: python:3.10\ndescriptio: typo\n";
    std::ofstream(dir.path / "job.yml")
        << "$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json\n"
           "command: echo hi\nenvironment: env.yml\n";
    std::string folder = jobc::testing::shell_quote(dir.path.string());
    std::string env = jobc::testing::shell_quote((dir.path / "env.yml").string());
    for (const std::string& paths : {folder, folder + " " + env, env + " " + env}) {
      CAPTURE(paths);
      auto result = run_command(jobc_command("validate --format json " + paths));
      CHECK(result.status == 1);
      auto diagnostics = nlohmann::json::parse(result.out);
      REQUIRE(diagnostics.size() == 1);
      CHECK(diagnostics[0]["code"] == "E010");
      CHECK(diagnostics[0]["line"] == 4);
    }
  }

  TEST_CASE("--kind forces the spec kind") {
    auto result = run_command(
        jobc_command("validate --kind environment " + fixture("E008-unrecognisable.yml")));
    CHECK(result.status == 1);
    CHECK(result.err.find("E029") != std::string::npos);
  }

  TEST_CASE("schema prints each embedded schema as JSON") {
    for (const char* kind : {"environment", "compute", "command_job", "sweep_job", "job"}) {
      CAPTURE(kind);
      auto result = run_command(jobc_command(std::string("schema ") + kind));
      CHECK(result.status == 0);
      auto schema = nlohmann::json::parse(result.out);
      CHECK(schema["$schema"] == "http://json-schema.org/draft-07/schema#");
    }
    CHECK(run_command(jobc_command("schema pipeline")).status == 2);
  }

  TEST_CASE("explain describes codes; help and version work") {
    auto result = run_command(jobc_command("explain E028"));
    CHECK(result.status == 0);
    CHECK(result.out.find("E028") == 0);
    CHECK(run_command(jobc_command("explain E999")).status == 2);
    CHECK(run_command(jobc_command("--help")).status == 0);
    CHECK(run_command(jobc_command("validate --help")).out.find("--format") != std::string::npos);
    CHECK(run_command(jobc_command("--version")).out.find("jobc ") == 0);
  }

  TEST_CASE("explain takes a code in any case") {
    auto result = run_command(jobc_command("explain e028"));
    CHECK(result.status == 0);
    CHECK(result.out.find("E028") == 0);
  }

  TEST_CASE("a mistyped command gets a did-you-mean and a bare jobc prints the help") {
    auto top = run_command(jobc_command("valdate x.yml"));
    CHECK(top.status == 2);
    CHECK(top.err.find("jobc: unknown command 'valdate'") != std::string::npos);
    CHECK(top.err.find("did you mean 'validate'?") != std::string::npos);
    auto nested = run_command(jobc_command("runs lst"));
    CHECK(nested.status == 2);
    CHECK(nested.err.find("jobc runs: unknown command 'lst'") != std::string::npos);
    CHECK(nested.err.find("did you mean 'list'?") != std::string::npos);
    auto bare = run_command(jobc_command(""));
    CHECK(bare.status == 2);
    CHECK(bare.out.find("SUBCOMMAND") != std::string::npos);
    CHECK(bare.out.find("validate") != std::string::npos);
  }

  TEST_CASE("a mistyped --compute name gets a did-you-mean") {
    auto result = run_command(
        jobc_command("submit --detach --compute locl " + example("quickstart/job.yml")));
    CHECK(result.status != 0);
    CHECK(result.err.find("did you mean 'local'?") != std::string::npos);
  }
}
