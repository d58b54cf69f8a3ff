// `jobc validate PATH...`: checks specs and reports every problem like a compiler.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <set>

#include "cli/commands.h"
#include "cli/spec_options.h"
#include "jobc/diagnostic_render.h"
#include "jobc/validate.h"

namespace jobc::cli {
namespace {

namespace fs = std::filesystem;

struct ValidateArgs {
  std::vector<std::string> paths;
  SpecOptions spec;
  std::string format = "gcc";
  std::string color = "auto";
  bool werror = false;
  bool quiet = false;
};

bool is_yaml_file(const fs::path& path) {
  return path.extension() == ".yml" || path.extension() == ".yaml";
}

// A folder's specs: YAML files whose kind can be recognised (conda files and other YAML
// are skipped), found recursively, skipping hidden folders; sorted for stable output.
std::vector<std::string> specs_in_folder(const fs::path& folder, SourceManager& sources) {
  std::vector<std::string> out;
  std::error_code error;
  fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, error);
  for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    const fs::path& path = it->path();
    std::error_code kind;  // an entry that cannot be stat'ed is no spec
    if (it->is_directory(kind) && path.filename().string().starts_with(".")) {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(kind) || !is_yaml_file(path)) continue;
    DiagnosticSink scratch;
    auto doc = load_spec_file(path, path.string(), sources, scratch);
    if (!doc || detect_kind(*doc, scratch)) out.push_back(path.string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string canonical_text(const fs::path& path) {
  std::error_code error;
  fs::path canonical = fs::weakly_canonical(path, error);
  return error ? path.lexically_normal().string() : canonical.string();
}

// The files `spec` names (an environment file, a compute file), and theirs, as canonical paths.
void add_references(const LoadedSpec& spec, std::set<std::string>& out) {
  for (const std::string& file : referenced_files(spec)) out.insert(canonical_text(file));
}

bool use_color(const std::string& mode) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  return isatty(STDERR_FILENO) && !std::getenv("NO_COLOR");
}

int run_validate(const ValidateArgs& args) {
  auto format = parse_diag_format(args.format);
  ValidateOptions options;
  DiagnosticSink sink;
  SourceManager sources;
  if (!to_validate_options(args.spec, options, sink)) {
    render_diagnostics(sink.diagnostics(), sources, {}, std::cerr);
    return kExitUsage;
  }
  bool io_error = false;
  std::vector<std::string> files;
  for (const std::string& path : args.paths) {
    std::error_code error;
    if (fs::is_directory(path, error)) {
      std::vector<std::string> found = specs_in_folder(path, sources);
      // A mistyped folder in CI must not pass as "0 specs, 0 errors".
      if (found.empty()) {
        std::cerr << "jobc validate: no specs found in '" << path << "'\n";
        io_error = true;
      }
      files.insert(files.end(), found.begin(), found.end());
    } else if (!fs::exists(path, error)) {
      sink.report(DiagCode::FileUnreadable, {path, 0, 0}, "no such file or folder");
      io_error = true;
    } else {
      files.push_back(path);
    }
  }
  // Each file into its own sink: a file that another one references was checked, and its
  // problems reported, through that reference, so its own sink is dropped (reported once).
  std::vector<LoadedSpec> specs;
  std::vector<std::pair<std::string, DiagnosticSink>> file_sinks;
  std::set<std::string> seen;
  std::erase_if(files,
                [&](const std::string& file) { return !seen.insert(canonical_text(file)).second; });
  for (const std::string& file : files) {
    DiagnosticSink& file_sink =
        file_sinks.emplace_back(canonical_text(file), DiagnosticSink{}).second;
    if (auto spec = load_and_validate(file, options, sources, file_sink)) {
      specs.push_back(std::move(*spec));
    }
  }
  std::set<std::string> referenced;
  for (const LoadedSpec& spec : specs) add_references(spec, referenced);
  for (const auto& [canonical, file_sink] : file_sinks) {
    if (!referenced.contains(canonical)) sink.append(file_sink);
  }
  std::vector<const LoadedSpec*> pointers;
  for (const LoadedSpec& spec : specs) pointers.push_back(&spec);
  check_compute_names(pointers, sink);

  sink.sort();
  RenderOptions render{*format, use_color(args.color), args.werror};
  std::ostream& out = render.format == DiagFormat::Gcc ? std::cerr : std::cout;
  render_diagnostics(sink.diagnostics(), sources, render, out);
  size_t errors = sink.error_count() + (args.werror ? sink.warning_count() : 0);
  size_t warnings = args.werror ? 0 : sink.warning_count();
  if (!args.quiet && render.format == DiagFormat::Gcc) {
    std::cerr << fmt::format("jobc: {} spec{} checked, {} error{}, {} warning{}\n", files.size(),
                             files.size() == 1 ? "" : "s", errors, errors == 1 ? "" : "s", warnings,
                             warnings == 1 ? "" : "s");
  }
  if (io_error) return kExitUsage;
  return errors > 0 ? kExitInvalid : kExitOk;
}

}  // namespace

Command add_validate_command(CLI::App& app) {
  CLI::App* command = app.add_subcommand(
      "validate",
      "Check environment, compute and job specs; report every problem with its location");
  auto args = std::make_shared<ValidateArgs>();
  command
      ->add_option("PATH", args->paths, "spec files, or folders searched for *.yml / *.yaml specs")
      ->required();
  add_spec_options(*command, args->spec);
  command->add_option("--format", args->format, "diagnostic format")
      ->check(CLI::IsMember({"gcc", "json", "github"}))
      ->capture_default_str();
  command->add_option("--color", args->color, "colour diagnostics: auto, always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  command->add_flag("--werror", args->werror, "treat warnings as errors");
  command->add_flag("-q,--quiet", args->quiet, "no summary line");
  command->footer(
      "Exit status: 0 every spec is valid, 1 a spec is invalid, 2 usage or I/O error.\n"
      "Formats: gcc (file:line:col: error[E010]: ..., with the source line; on stderr),\n"
      "json (an array of diagnostics on stdout), github (workflow annotations on stdout).\n"
      "'jobc explain' lists every diagnostic code.");
  return {command, [args]() { return run_validate(*args); }};
}

}  // namespace jobc::cli
