// What the front end knows about the places jobs run, without knowing the backends: the
// compute names and types that exist and each type's own rules. The layer that knows the
// backends supplies them once at start-up (install_backend_rules() in
// jobc/backend_registry.h, called by every program's main, as LLVM's InitializeAllTargets),
// so the front end never includes a backend and the layers stay front end → ... → backends.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "jobc/diagnostics.h"
#include "jobc/model/compute.h"

namespace jobc {

struct ComputeKind {
  std::vector<std::string> types;          // compute spec `type:` values ("slurm")
  std::vector<std::string> builtin_names;  // `compute: NAME` with no spec ("local")
  // docker_args options the backend does not implement are errors (E013), not warnings.
  bool refuses_unsupported_docker_args = false;
  // The backend's own rules for a compute spec of one of `types` (located diagnostics).
  void (*check_compute)(const model::Compute& compute, DiagnosticSink& sink) = nullptr;
};

void install_compute_kinds(std::vector<ComputeKind> kinds);

// The installed kinds; a program that never installed them stops with an internal error
// (it would otherwise accept or refuse specs differently from jobc).
const std::vector<ComputeKind>& compute_kinds();
const ComputeKind* compute_kind_of_type(std::string_view type);  // case-insensitive
const ComputeKind* compute_kind_of_builtin(std::string_view name);

}  // namespace jobc
