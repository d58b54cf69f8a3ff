// `jobc compile SPEC -o DIR`: validates a spec and writes its artifacts, as a build step.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/spec_options.h"
#include "cli/workspace_options.h"
#include "jobc/artifact_writer.h"
#include "jobc/backend_registry.h"
#include "jobc/compile.h"
#include "jobc/diagnostic_render.h"
#include "jobc/result.h"

namespace jobc::cli {
namespace {

namespace fs = std::filesystem;

struct CompileArgs {
  std::string spec;
  std::string output_dir;
  SpecOptions spec_options;
  bool check = false;
  bool dry_run = false;
  std::string depfile;
  WorkspaceOptions workspace;
  std::string job_name;
  std::string output_format = "text";
};

const char* change_verb(ArtifactChange::Kind kind, bool past) {
  switch (kind) {
    case ArtifactChange::Created:
      return past ? "created" : "would create";
    case ArtifactChange::Updated:
      return past ? "updated" : "would update";
    case ArtifactChange::Removed:
      return past ? "removed" : "would remove";
    case ArtifactChange::Unchanged:
      return "unchanged";
  }
  return "";
}

// A make-style depfile naming every input of `target`.
Status write_depfile(const std::string& path, const std::string& target,
                     const std::vector<std::string>& inputs) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << make_depfile(target, inputs);
  if (!out.flush()) return fail("cannot write depfile " + path);
  return {};
}

// --output json: one object on stdout for scripts; the exit status is the same as for text.
int report_changes_json(const WriteReport& report, const CompileArgs& args) {
  nlohmann::json artifacts = nlohmann::json::array();
  size_t changed = 0;
  for (const ArtifactChange& change : report.changes) {
    nlohmann::json artifact = {{"path", change.path},
                               {"change", change_verb(change.kind, /*past=*/true)}};
    if (args.check && !change.diff.empty()) artifact["diff"] = change.diff;
    artifacts.push_back(std::move(artifact));
    changed += change.kind != ArtifactChange::Unchanged;
  }
  nlohmann::json out = {
      {"output_dir", args.output_dir},
      {"mode", args.check     ? "check"
               : args.dry_run ? "dry-run"
                              : "write"},
      {"artifacts", std::move(artifacts)},
      {"changed", changed},
      {"errors", report.errors},
  };
  std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  if (!report.errors.empty()) return kExitUsage;
  return args.check && changed > 0 ? kExitInvalid : kExitOk;
}

int report_changes(const WriteReport& report, const CompileArgs& args) {
  if (args.output_format == "json") return report_changes_json(report, args);
  for (const std::string& error : report.errors) std::cerr << "jobc compile: " << error << "\n";
  if (!report.errors.empty()) return kExitUsage;
  size_t changed = 0;
  for (const ArtifactChange& change : report.changes) {
    if (change.kind == ArtifactChange::Unchanged) continue;
    ++changed;
    if (args.check) {
      std::cerr << fmt::format("{}: {} is {}\n", args.output_dir, change.path,
                               change.kind == ArtifactChange::Created   ? "missing"
                               : change.kind == ArtifactChange::Removed ? "obsolete"
                                                                        : "stale");
      std::cout << change.diff;
    } else {
      (args.dry_run ? std::cout : std::cerr)
          << fmt::format("{} {}\n", change_verb(change.kind, !args.dry_run),
                         (fs::path(args.output_dir) / change.path).string());
    }
  }
  if (args.check && changed > 0) {
    std::cerr << fmt::format(
        "jobc compile --check: {} artifact{} out of date; run jobc compile "
        "{} -o {}\n",
        changed, changed == 1 ? " is" : "s are", args.spec, args.output_dir);
    return kExitInvalid;
  }
  return kExitOk;
}

int run_compile(const CompileArgs& args) {
  SourceManager sources;  // the command's one
  DiagnosticSink sink;
  CompileOptions compile_options;
  std::vector<std::string> extra_inputs;
  Result<WorkspaceScope> scope = resolve_workspace(args.workspace, extra_inputs, sink);
  if (!scope) {
    std::cerr << "jobc compile: " << scope.error().message << "\n";
    return kExitUsage;
  }
  if (sink.has_errors()) {
    render_diagnostics(sink.diagnostics(), sources, {}, std::cerr);
    return kExitUsage;
  }
  compile_options.scope = std::move(*scope);
  compile_options.job_name = args.job_name;
  int status = kExitOk;
  auto compiled =
      load_and_compile("compile", args.spec, args.spec_options, compile_options, sources, status);
  if (!compiled) return status;
  const CompileResult& result = compiled->result;

  WriteMode mode = args.check     ? WriteMode::Check
                   : args.dry_run ? WriteMode::DryRun
                                  : WriteMode::Write;
  WriteReport report = write_artifacts(result.outputs, args.output_dir, mode);
  if (!args.depfile.empty() && mode == WriteMode::Write) {
    std::vector<std::string> inputs = extra_inputs;
    for (const auto& [shown, path] : result.inputs.files()) {
      inputs.push_back(fs::absolute(path).lexically_normal().string());
    }
    std::string target = (fs::path(args.output_dir) / "manifest.json").string();
    if (Status written = write_depfile(args.depfile, target, inputs); !written) {
      std::cerr << "jobc compile: " << written.error().message << "\n";
      return kExitUsage;
    }
  }
  return report_changes(report, args);
}

// The footer's list of artifacts: the core ones and, by their folders, each backend's.
std::string artifacts_help() {
  std::vector<std::string> folders;
  for (const BackendEntry& backend : backend_registry()) {
    if (backend.generators) folders.push_back(backend.name + "/");
  }
  std::string backends =
      folders.empty() ? ""
                      : fmt::format("each backend's own files ({}), ", fmt::join(folders, ", "));
  return fmt::format(
      "Artifacts: Dockerfile, conda.yaml and requirements.txt (when the environment has conda or\n"
      "pip packages), launch.sh, {}manifest.json.\n"
      "Files are written only when their content changes. Without\n"
      "--subscription/--resource-group/--workspace-name,\n"
      "a config.json (current folder, its .azureml/, then parents) names the workspace; without\n"
      "either, request paths keep {{subscriptionId}}-style placeholders.\n"
      "Exit status: 0 success, 1 invalid spec or (--check) stale artifacts, 2 usage or I/O error.",
      backends);
}

}  // namespace

Command add_compile_command(CLI::App& app) {
  CLI::App* command = app.add_subcommand(
      "compile", "Compile a job, environment or compute spec into artifacts (a build step)");
  auto args = std::make_shared<CompileArgs>();
  command->add_option("SPEC", args->spec, "the spec file")->required();
  command->add_option("-o,--output", args->output_dir, "the folder to write artifacts to")
      ->required();
  add_spec_options(*command, args->spec_options);
  command->add_flag("--check", args->check,
                    "write nothing; exit 1 and show a diff when an artifact is stale or missing");
  command->add_flag("--dry-run", args->dry_run, "print what would be written, write nothing");
  command->add_option("--depfile", args->depfile, "write a make-style depfile of every input read");
  add_workspace_options(*command, args->workspace);
  command
      ->add_option("--output-format", args->output_format,
                   "text (changes on stderr) or json (an object on stdout: every artifact with "
                   "created, updated, unchanged or removed)")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  command->add_option("--job-name", args->job_name,
                      "name for a job without one (default: derived from its content)");
  command->footer(artifacts_help());
  return {command, [args]() { return run_compile(*args); }};
}

}  // namespace jobc::cli
