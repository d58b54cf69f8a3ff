// The model's accessors: what later stages ask of a spec without knowing its kind.
#include "jobc/model/spec.h"

namespace jobc::model {

namespace fs = std::filesystem;

fs::path SpecSource::resolve(const std::string& written) const {
  fs::path path(written);
  return path.is_absolute() ? path : dir / path;
}

SpecKind Spec::kind() const {
  return source().kind;
}

const SpecSource& Spec::source() const {
  return std::visit([](const auto& body) -> const SpecSource& { return body.source; }, body);
}

const JobCommon* Spec::job() const {
  if (const CommandJob* command = command_job()) return command;
  if (const SweepJob* sweep = sweep_job()) return sweep;
  return nullptr;
}

const CommandBody* Spec::command_body() const {
  if (const CommandJob* command = command_job()) return &command->body;
  if (const SweepJob* sweep = sweep_job()) return &sweep->trial;
  return nullptr;
}

const Environment* Spec::environment() const {
  if (const Environment* own = environment_spec()) return own;
  const CommandBody* body = command_body();
  if (!body || !body->environment) return nullptr;
  return body->environment->spec.get();  // null for a registered environment
}

}  // namespace jobc::model
