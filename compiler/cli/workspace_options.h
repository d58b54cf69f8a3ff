// The Azure ML workspace options `jobc compile`, `jobc submit` and `jobc create` share:
// --subscription, --resource-group and --workspace-name, else a config.json found as the seeds'
// Workspace.from_config() finds it.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "jobc/compile.h"
#include "jobc/result.h"

namespace jobc::cli {

struct WorkspaceOptions {
  std::string subscription;
  std::string resource_group;
  std::string workspace;
};

void add_workspace_options(CLI::App& command, WorkspaceOptions& options);

// The workspace requests are addressed to: the three flags, else a config.json (current
// folder, its .azureml/, then parents; its problems are diagnostics in `sink`, the file goes
// to `read`), else placeholders. An Error when only some of the flags are given.
Result<WorkspaceScope> resolve_workspace(const WorkspaceOptions& options,
                                         std::vector<std::string>& read, DiagnosticSink& sink);

// The footer's sentence on how the workspace is found.
inline constexpr const char* kWorkspaceHelp =
    "Without --subscription/--resource-group/--workspace-name, a config.json (current folder,\n"
    "its .azureml/, then parents) names the workspace";

}  // namespace jobc::cli
