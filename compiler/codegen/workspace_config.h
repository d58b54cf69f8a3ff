// Finds the Azure ML workspace the way the seeds' Workspace.from_config() does: a
// config.json in the current folder or its .azureml/ folder, then in each parent folder.
#pragma once

#include <filesystem>
#include <optional>

#include "jobc/compile.h"

namespace jobc {

struct FoundWorkspace {
  WorkspaceScope scope;
  std::filesystem::path file;
};

// Reports E001/E014 when a config.json is found but unreadable or incomplete.
std::optional<FoundWorkspace> find_workspace_config(const std::filesystem::path& start,
                                                    DiagnosticSink& sink);

}  // namespace jobc
