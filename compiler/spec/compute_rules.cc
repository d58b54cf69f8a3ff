#include "jobc/compute_rules.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "support/text.h"

namespace jobc {
namespace {

struct Installed {
  std::vector<ComputeKind> kinds;
  bool done = false;
};

Installed& installed() {
  static Installed state;
  return state;
}

bool contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

void install_compute_kinds(std::vector<ComputeKind> kinds) {
  installed().kinds = std::move(kinds);
  installed().done = true;
}

const std::vector<ComputeKind>& compute_kinds() {
  if (!installed().done) {
    std::fputs(
        "jobc: internal error: the compute kinds were not installed (main must call "
        "install_backend_rules())\n",
        stderr);
    std::abort();
  }
  return installed().kinds;
}

const ComputeKind* compute_kind_of_type(std::string_view type) {
  std::string wanted = lower(type);
  for (const ComputeKind& kind : compute_kinds())
    if (contains(kind.types, wanted)) return &kind;
  return nullptr;
}

const ComputeKind* compute_kind_of_builtin(std::string_view name) {
  for (const ComputeKind& kind : compute_kinds())
    if (contains(kind.builtin_names, name)) return &kind;
  return nullptr;
}

}  // namespace jobc
