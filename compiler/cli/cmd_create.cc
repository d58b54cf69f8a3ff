// `jobc create SPEC...`: creates or updates environment and compute specs where their backend
// keeps them (an Azure ML workspace), as `az ml environment create` and `az ml compute create`.
#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/spec_options.h"
#include "cli/workspace_options.h"
#include "jobc/backend_registry.h"
#include "jobc/compile.h"
#include "jobc/diagnostic_render.h"
#include "jobc/model/spec.h"

namespace jobc::cli {
namespace {

struct CreateArgs {
  std::vector<std::string> specs;
  SpecOptions spec_options;
  WorkspaceOptions workspace;
};

// The backend that keeps what `spec` describes: a compute spec's type's; for an environment,
// the one backend that keeps environments.
const BackendEntry* keeper_of(const model::Spec& spec) {
  if (const model::Compute* compute = spec.compute_spec()) {
    const BackendEntry* entry = backend_for_compute_type(compute->type.value_or(""));
    return entry && entry->create_resources ? entry : nullptr;
  }
  if (!spec.environment_spec()) return nullptr;
  for (const BackendEntry& entry : backend_registry())
    if (entry.create_resources) return &entry;
  return nullptr;
}

int create_one(const std::string& path, const CreateArgs& args, const WorkspaceScope& scope) {
  SourceManager sources;  // the command's one, per spec
  CompileOptions options;
  options.scope = scope;
  int status = kExitOk;
  auto compiled = load_and_compile("create", path, args.spec_options, options, sources, status);
  if (!compiled) return status;
  const model::Spec* spec = compiled->result.model.get();
  const BackendEntry* keeper = spec ? keeper_of(*spec) : nullptr;
  if (!keeper) {
    std::cerr << fmt::format(
        "jobc create: {}: only environment specs and compute specs of a workspace's type "
        "(amlcompute) can be created\n",
        path);
    return kExitUsage;
  }
  if (Status created = keeper->create_resources(compiled->result, std::cerr); !created) {
    std::cerr << fmt::format("jobc create: {}: {}\n", path, created.error().message);
    return kExitUsage;
  }
  return kExitOk;
}

int run_create(const CreateArgs& args) {
  DiagnosticSink sink;
  std::vector<std::string> read;
  Result<WorkspaceScope> scope = resolve_workspace(args.workspace, read, sink);
  if (!scope) {
    std::cerr << "jobc create: " << scope.error().message << "\n";
    return kExitUsage;
  }
  if (sink.has_errors()) {
    SourceManager sources;
    render_diagnostics(sink.diagnostics(), sources, {}, std::cerr);
    return kExitUsage;
  }
  int worst = kExitOk;
  for (const std::string& spec : args.specs) {
    int status = create_one(spec, args, *scope);
    if (status != kExitOk && worst != kExitUsage) worst = status;
  }
  return worst;
}

}  // namespace

Command add_create_command(CLI::App& app) {
  CLI::App* command = app.add_subcommand(
      "create", "Create or update environment and compute specs in an Azure ML workspace");
  auto args = std::make_shared<CreateArgs>();
  command->add_option("SPEC", args->specs, "environment or compute specs (type amlcompute)")
      ->required();
  add_spec_options(*command, args->spec_options);
  add_workspace_options(*command, args->workspace);
  command->footer(
      std::string(kWorkspaceHelp) +
      ".\n"
      "An environment spec becomes a new version (its build context uploaded first); a compute\n"
      "spec creates the cluster, or updates it when it exists, and waits until it is ready.\n"
      "Credentials as azure-identity finds them (AZURE_CLIENT_SECRET and its kin, managed\n"
      "identity, then az login).\n"
      "Exit status: 0 every spec was created, 1 a spec is invalid, 2 usage, I/O or service "
      "error.");
  return {command, [args]() { return run_create(*args); }};
}

}  // namespace jobc::cli
