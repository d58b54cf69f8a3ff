// libFuzzer target for the spec front end: bytes -> load_spec_text -> kind recognition ->
// schema and semantic checks for every kind -> the cross-spec compute rule -> every
// diagnostic renderer. Any crash, sanitizer report, uncaught exception, leak or hang is a bug.
//
// Relative paths in a spec resolve against a private temporary folder (doc.dir) populated
// with a few files, so path checks and referenced specs are exercised without reaching the
// real tree. Documents naming an absolute path or '..' are loaded and rendered but not
// checked against the file system, which keeps the fuzzer from stat'ing or reading (and
// possibly blocking on) arbitrary files such as /dev/stdin.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz/fuzz_workdir.h"
#include "jobc/backend_registry.h"
#include "jobc/diagnostic_render.h"
#include "jobc/spec_document.h"
#include "jobc/spec_kind.h"
#include "jobc/validate.h"
#include "jobc/validate_document.h"

namespace fs = std::filesystem;

namespace {

// Creates the folder relative references resolve against, with something for each kind of
// path check to find: a code folder, a build context with a Dockerfile, a conda file, data,
// and an environment and a compute spec to be loaded by reference.
void make_workdir() {
  using jobc::fuzz::write_file;
  const fs::path& g_workdir = jobc::fuzz::make_workdir("jobc-fuzz");
  write_file(g_workdir / "src/train.py", "print('hello')\n");
  write_file(g_workdir / "src/Dockerfile", "FROM python:3.11-slim\n");
  write_file(g_workdir / "conda.yml", "name: fuzz\ndependencies: [python=3.11]\n");
  write_file(g_workdir / "data/train.csv", "a,b\n1,2\n");
  write_file(g_workdir / "env.yml",
             "$schema: https://azuremlschemas.azureedge.net/latest/environment.schema.json\n"
             "name: fuzz-env\nimage: python:3.11-slim\nconda_file: conda.yml\n");
  write_file(g_workdir / "envs/build.yml",
             "$schema: https://azuremlschemas.azureedge.net/latest/environment.schema.json\n"
             "name: fuzz-build\nbuild:\n  path: ../src\n");
  write_file(g_workdir / "compute.yml",
             "$schema: https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json\n"
             "name: gpu-cluster\ntype: amlcompute\nmin_instances: 0\nmax_instances: 2\n");
  write_file(g_workdir / "job.yml",
             "$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json\n"
             "command: python train.py\ncode: src\nenvironment: env.yml\n");
}

void render_all(const jobc::DiagnosticSink& sink, const jobc::SourceManager& sources,
                uint8_t variant) {
  for (jobc::DiagFormat format :
       {jobc::DiagFormat::Gcc, jobc::DiagFormat::Json, jobc::DiagFormat::Github}) {
    jobc::RenderOptions options;
    options.format = format;
    options.color = (variant & 1) != 0;
    options.werror = (variant & 2) != 0;
    std::ostringstream out;
    jobc::render_diagnostics(sink.diagnostics(), sources, options, out);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  jobc::install_backend_rules();
  make_workdir();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  jobc::SourceManager sources;
  jobc::DiagnosticSink sink;
  std::string text(reinterpret_cast<const char*>(data), size);
  std::optional<jobc::SpecDocument> doc =
      jobc::load_spec_text(std::move(text), "fuzz.yml", jobc::fuzz::workdir(), sources, sink);
  if (doc && !jobc::fuzz::names_outside_path(doc->root)) {
    jobc::detect_kind(*doc, sink);
    jobc::parse_kind_option("job", doc->root);
    std::vector<std::optional<jobc::LoadedSpec>> specs;
    for (jobc::SpecKind kind : {jobc::SpecKind::Environment, jobc::SpecKind::Compute,
                                jobc::SpecKind::CommandJob, jobc::SpecKind::SweepJob}) {
      specs.push_back(jobc::validate_document(*doc, kind, sources, sink));
    }
    std::vector<const jobc::LoadedSpec*> loaded;
    for (const auto& spec : specs) {
      if (spec) loaded.push_back(&*spec);
    }
    jobc::check_compute_names(loaded, sink);
  }
  sink.sort();
  render_all(sink, sources, size ? data[size - 1] : 0);
  return 0;
}
