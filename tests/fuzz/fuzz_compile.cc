// libFuzzer target for what user text can do to generated files: the input is split at NUL
// bytes into a spec file name, `--set` arguments and the spec's YAML (NAME\0SET\0...\0YAML;
// without a NUL it is all YAML, named fuzz.yml). The spec is loaded under that name, the
// overrides parsed and applied, the spec validated and, when valid, compiled into memory.
// Findings: any crash, sanitizer report, uncaught exception, leak or hang, and any generated
// file that breaks generated_file_checks.h: launch.sh and the Slurm batch script start no
// command line their template did not write, the Dockerfile has only the template's
// instructions, and the file name changes nothing but its own comment line.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz/fuzz_workdir.h"
#include "fuzz/generated_file_checks.h"
#include "jobc/backend_registry.h"
#include "jobc/compile.h"
#include "jobc/diagnostic_render.h"
#include "jobc/spec_kind.h"
#include "jobc/validate_document.h"
#include "support/utf8.h"

namespace fs = std::filesystem;

namespace {

// The folder relative paths resolve against: code, a build context, a conda file, and an
// environment and a Slurm compute spec to be loaded by reference.
void make_workdir() {
  using jobc::fuzz::write_file;
  const fs::path& g_workdir = jobc::fuzz::make_workdir("jobc-fuzz-compile");
  write_file(g_workdir / "src/train.py", "print('hello')\n");
  write_file(g_workdir / "src/Dockerfile", "FROM python:3.11-slim\n");
  write_file(g_workdir / "conda.yml", "name: fuzz\ndependencies: [python=3.11, {pip: [numpy]}]\n");
  write_file(g_workdir / "env.yml",
             "$schema: https://azuremlschemas.azureedge.net/latest/environment.schema.json\n"
             "name: fuzz-env\nimage: python:3.11-slim\nconda_file: conda.yml\n");
  write_file(g_workdir / "hpc.yml",
             "name: hpc\ntype: slurm\nendpoint: https://slurm.example.com\nstaging_dir: /s\n"
             "user: u\ntoken_env: SLURM_JWT\n");
}

struct FuzzInput {
  std::string name = "fuzz.yml";
  std::vector<std::string> sets;
  std::string yaml;
};

FuzzInput split_input(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> pieces;
  size_t start = 0;
  for (size_t end; (end = text.find('\0', start)) != std::string::npos; start = end + 1) {
    pieces.push_back(text.substr(start, end - start));
  }
  FuzzInput input;
  input.yaml = text.substr(start);
  if (pieces.empty()) return input;
  // One file name in the work folder: '/' would make it a path elsewhere. Names that are not
  // UTF-8 are another finding's (the manifest cannot hold them); they are made valid here.
  std::string name = pieces.front();
  for (char& c : name) c = c == '/' ? '_' : c;
  std::u32string characters = jobc::decode_utf8(name);
  characters.resize(std::min<size_t>(characters.size(), 63));  // NAME_MAX: 255 bytes
  name = jobc::encode_utf8(characters);
  if (!name.empty() && name != "." && name != "..") input.name = name;
  for (size_t i = 1; i < pieces.size() && input.sets.size() < 16; ++i) {
    input.sets.push_back(pieces[i]);
  }
  return input;
}

void fail(const std::string& what, const std::string& detail, const std::string& file) {
  fprintf(stderr, "fuzz_compile: %s: %s\n--- generated file ---\n%s\n", what.c_str(),
          detail.c_str(), file.c_str());
  abort();
}

const std::string* artifact(const jobc::CompileResult& result, const std::string& path) {
  const auto* file = result.outputs.find(path);
  return file ? &file->content : nullptr;
}

void check_outputs(const jobc::CompileResult& result) {
  static const auto launch_prefixes =
      jobc::fuzz::template_line_prefixes("launch.sh.mustache", "<%");
  static const auto batch_prefixes =
      jobc::fuzz::template_line_prefixes("slurm_batch.sh.mustache", "{{");
  if (const std::string* launch = artifact(result, "launch.sh")) {
    std::string problem = jobc::fuzz::check_script(*launch, launch_prefixes);
    if (!problem.empty()) fail("launch.sh", problem, *launch);
  }
  if (const std::string* dockerfile = artifact(result, "Dockerfile")) {
    std::string problem = jobc::fuzz::check_dockerfile(*dockerfile);
    if (!problem.empty()) fail("Dockerfile", problem, *dockerfile);
  }
  if (const std::string* job = artifact(result, "slurm/job.json")) {
    std::string script = nlohmann::json::parse(*job).at("script").get<std::string>();
    std::string problem = jobc::fuzz::check_script(script, batch_prefixes);
    if (!problem.empty()) fail("slurm/job.json script", problem, script);
  }
}

// The file name may change only the comment line that names it (launch.sh's second line,
// the Dockerfile's first): compiled again as fuzz.yml, everything else is the same.
void check_name_changes_only_its_comment(const jobc::CompileResult& named,
                                         const jobc::CompileResult& plain) {
  for (const auto& [path, comment_line] :
       std::vector<std::pair<std::string, size_t>>{{"launch.sh", 1}, {"Dockerfile", 0}}) {
    const std::string* a = artifact(named, path);
    const std::string* b = artifact(plain, path);
    if (!a || !b) {
      if (a != b) fail(path, "generated for one name only", a ? *a : *b);
      continue;
    }
    std::istringstream left(*a), right(*b);
    std::string x, y;
    for (size_t line = 0; std::getline(left, x); ++line) {
      if (!std::getline(right, y)) fail(path, "more lines than under a plain name", *a);
      if (line != comment_line && x != y) fail(path, "line " + std::to_string(line + 1), *a);
    }
    if (std::getline(right, y)) fail(path, "fewer lines than under a plain name", *a);
  }
}

std::optional<jobc::LoadedSpec> load(const FuzzInput& input, const std::string& name,
                                     jobc::SourceManager& sources, jobc::DiagnosticSink& sink) {
  std::vector<jobc::Override> overrides;
  for (const std::string& set : input.sets) {
    jobc::Override parsed;
    if (jobc::parse_override(set, parsed, sink)) overrides.push_back(parsed);
  }
  // The spec is a file (compile hashes it), in a folder of its own so that no name replaces
  // the work folder's files; its relative paths still resolve against the work folder.
  const fs::path& dir = jobc::fuzz::workdir();
  fs::path path = dir / "spec" / name;
  jobc::fuzz::write_file(path, input.yaml);
  auto doc = jobc::load_spec_text(input.yaml, path.string(), dir, sources, sink);
  if (!doc) return std::nullopt;
  jobc::apply_overrides(*doc, overrides, sink);
  if (jobc::fuzz::names_outside_path(doc->root)) return std::nullopt;
  auto kind = jobc::detect_kind(*doc, sink);
  if (!kind) return std::nullopt;
  return jobc::validate_document(std::move(*doc), *kind, sources, sink);
}

void render_all(const jobc::DiagnosticSink& sink, const jobc::SourceManager& sources) {
  for (jobc::DiagFormat format :
       {jobc::DiagFormat::Gcc, jobc::DiagFormat::Json, jobc::DiagFormat::Github}) {
    std::ostringstream out;
    jobc::render_diagnostics(sink.diagnostics(), sources, {format, false, false}, out);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  jobc::install_backend_rules();
  make_workdir();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput input = split_input(data, size);
  jobc::SourceManager sources;
  jobc::DiagnosticSink sink;
  auto spec = load(input, input.name, sources, sink);
  if (spec && !sink.has_errors() && spec->kind != jobc::SpecKind::Compute) {
    jobc::CompileResult named = jobc::compile_spec(*spec, {}, sink);
    if (!sink.has_errors()) {
      check_outputs(named);
      jobc::SourceManager plain_sources;
      jobc::DiagnosticSink plain_sink;
      auto plain = load(input, "fuzz.yml", plain_sources, plain_sink);
      if (plain && !plain_sink.has_errors()) {
        jobc::CompileResult compiled = jobc::compile_spec(*plain, {}, plain_sink);
        if (!plain_sink.has_errors()) check_name_changes_only_its_comment(named, compiled);
      }
    }
  }
  sink.sort();
  render_all(sink, sources);
  std::error_code error;
  fs::remove_all(jobc::fuzz::workdir() / "spec", error);
  return 0;
}
