// Diagnostics never print a secret: a value held by a secret key (an inline registry
// password, a Slurm token, a secret-looking environment variable) or given to one with --set
// is masked in the source line under a diagnostic, in messages and in notes, in every format.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "common/run_command.h"
#include "common/temp_dir.h"
#include "jobc/diagnostic_render.h"
#include "jobc/validate.h"

namespace fs = std::filesystem;

namespace {

// Specs that each draw a diagnostic on or near a secret.
const char* kRegistryJob =
    "command: echo\n"
    "environment:\n"
    "  image: registry.example.com/base:1\n"
    "  registry:\n"
    "    address: registry.example.com\n"
    "    username: trainer\n"
    "    password: hunter2-s3cret  # E028 here\n";

const char* kFlowRegistryJob =
    "command: echo\n"
    "environment:\n"
    "  image: registry.example.com/base:1\n"
    "  registry: {address: r.example.com, password: \"hunter2-s3cret\", usernam: u}\n";

const char* kSecretEnvironmentVariable =
    "command: echo\n"
    "environment: {image: python:3.11-slim}\n"
    "environment_variables:\n"
    "  API_TOKEN: hunter2-s3cret\n";

const char* kSlurmBlockToken =
    "name: hpc\ntype: slurm\nendpoint: https://h\nstaging_dir: /s\nuser: u\n"
    "token: |\n"
    "  hunter2-s3cret\n"
    "  hunter2-s3cret-second-line\n"
    "partition: [not, text]\n";

// An input URL's SAS token and user:password, each on a line that draws a diagnostic (the
// input's mode is not one the schema allows).
const char* kSasTokenInput =
    "command: echo ${{inputs.blob}}\n"
    "inputs:\n"
    "  blob: {type: uri_file, mode: bogus, path: "
    "'https://acct.blob.core.windows.net/c/x?sig=s3cret'}\n";

const char* kUserPasswordInput =
    "command: echo ${{inputs.data}}\n"
    "inputs:\n"
    "  data: {type: uri_file, mode: bogus, path: 'https://user:s3cret@example.com/data.csv'}\n";

struct Validated {
  std::string file;
  jobc::SourceManager sources;
  jobc::DiagnosticSink sink;
};

void validate(const std::string& yaml, const std::vector<std::string>& sets, Validated& out) {
  jobc::testing::TempDir dir;
  fs::path spec = dir.path / "job.yml";
  { std::ofstream(spec) << yaml; }
  out.file = spec.string();
  jobc::ValidateOptions options;
  for (const std::string& set : sets) {
    jobc::Override parsed;
    if (jobc::parse_override(set, parsed, out.sink)) options.overrides.push_back(parsed);
  }
  jobc::load_and_validate(spec.string(), options, out.sources, out.sink);
  REQUIRE(!out.sink.diagnostics().empty());
}

std::string render(const Validated& validated, jobc::DiagFormat format) {
  std::ostringstream out;
  jobc::render_diagnostics(validated.sink.diagnostics(), validated.sources, {format, false, false},
                           out);
  return out.str();
}

struct Case {
  const char* what;
  const char* yaml;
  std::vector<std::string> sets;
  const char* secret = "s3cret";
};

std::vector<Case> cases() {
  return {
      {"inline registry password", kRegistryJob, {}},
      {"password in a flow mapping", kFlowRegistryJob, {}},
      {"secret-looking environment variable", kSecretEnvironmentVariable, {}},
      {"Slurm token as a block scalar", kSlurmBlockToken, {}},
      {"an input URL's SAS token", kSasTokenInput, {}},
      {"an input URL's user and password", kUserPasswordInput, {}},
      {"--set of a password the schema refuses",
       "command: echo\nenvironment: {image: python:3.11-slim}\n",
       {"environment.registry.password=20240601123"},
       "20240601123"},
      {"--set of a password that cannot be parsed",
       "command: echo\nenvironment: {image: python:3.11-slim}\n",
       {"environment.registry.password:hunter2-s3cret"}},
  };
}

void check_format_hides_secrets(jobc::DiagFormat format) {
  for (const Case& c : cases()) {
    CAPTURE(c.what);
    Validated validated;
    validate(c.yaml, c.sets, validated);
    std::string out = render(validated, format);
    CAPTURE(out);
    CHECK(out.find(c.secret) == std::string::npos);
  }
}

}  // namespace

TEST_SUITE("spec") {
  TEST_CASE("gcc diagnostics never print a secret") {
    check_format_hides_secrets(jobc::DiagFormat::Gcc);
  }

  TEST_CASE("json diagnostics never print a secret") {
    check_format_hides_secrets(jobc::DiagFormat::Json);
  }

  TEST_CASE("github diagnostics never print a secret") {
    check_format_hides_secrets(jobc::DiagFormat::Github);
  }

  TEST_CASE("the line under an inline password shows the mask where the value was") {
    Validated validated;
    validate(kRegistryJob, {}, validated);
    std::string out = render(validated, jobc::DiagFormat::Gcc);
    CHECK(out.find(" 7 |     password: ******  # E028 here\n") != std::string::npos);
  }

  TEST_CASE("a masked value leaves the caret under the key it points at") {
    Validated validated;
    validate(kFlowRegistryJob, {}, validated);
    std::string out = render(validated, jobc::DiagFormat::Gcc);
    CHECK(out.find(" 4 |   registry: {address: r.example.com, password: ******, usernam: u}\n"
                   "   |                                                        ^~~~~~~") !=
          std::string::npos);
  }

  TEST_CASE("no line of a spec is shown with a secret in it") {
    for (const Case& c : cases()) {
      CAPTURE(c.what);
      Validated validated;
      validate(c.yaml, c.sets, validated);
      for (int line = 1; line <= 12; ++line) {
        auto excerpt = validated.sources.excerpt(validated.file, line, 1);
        if (excerpt) CHECK(excerpt->text.find(c.secret) == std::string::npos);
      }
    }
  }

  TEST_CASE("values of keys that name where a secret is stay visible") {
    Validated validated;
    validate(
        "command: echo\nenvironment:\n  image: r.example.com/b:1\n  registry:\n"
        "    address: r.example.com\n    password_env: \"NOT A NAME\"\n",
        {}, validated);
    std::string out = render(validated, jobc::DiagFormat::Gcc);
    CHECK(out.find("password_env: \"NOT A NAME\"") != std::string::npos);
  }

  TEST_CASE("jobc validate masks a --set password in its note") {
    jobc::testing::TempDir dir;
    { std::ofstream(dir.path / "job.yml") << "command: echo\nenvironment: {image: python:3.11}\n"; }
    auto result = jobc::testing::run_command(jobc::testing::jobc_command(
        "validate --format json --set environment.registry.password=20240601123 " +
        jobc::testing::shell_quote((dir.path / "job.yml").string())));
    CHECK(result.status == 1);
    CHECK(result.out.find("environment.registry.password=******") != std::string::npos);
    CHECK(result.out.find("20240601123") == std::string::npos);
    CHECK(result.err.find("20240601123") == std::string::npos);
  }
}
