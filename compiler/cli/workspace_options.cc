#include "cli/workspace_options.h"

#include <filesystem>

#include "codegen/workspace_config.h"

namespace jobc::cli {

namespace fs = std::filesystem;

void add_workspace_options(CLI::App& command, WorkspaceOptions& options) {
  command.add_option("--subscription", options.subscription, "Azure subscription id");
  command.add_option("--resource-group", options.resource_group, "Azure resource group");
  command.add_option("--workspace-name", options.workspace, "Azure ML workspace");
}

Result<WorkspaceScope> resolve_workspace(const WorkspaceOptions& options,
                                         std::vector<std::string>& read, DiagnosticSink& sink) {
  WorkspaceScope scope;
  int given =
      !options.subscription.empty() + !options.resource_group.empty() + !options.workspace.empty();
  if (given == 3) {
    scope.subscription = options.subscription;
    scope.resource_group = options.resource_group;
    scope.workspace = options.workspace;
    return scope;
  }
  if (given != 0) {
    return fail("give all of --subscription, --resource-group and --workspace-name, or none");
  }
  if (auto found = find_workspace_config(fs::current_path(), sink)) {
    scope = found->scope;
    read.push_back(fs::absolute(found->file).string());
  }
  return scope;
}

}  // namespace jobc::cli
