#include "backends/slurm/slurm_compute_checks.h"

namespace jobc {

// The token is a secret: never in the spec, from exactly one of an environment variable or
// a file.
void check_slurm_compute(const model::Compute& compute, DiagnosticSink& sink) {
  const model::Value* token = compute.settings.find("token");
  const model::Value* token_env = compute.settings.find("token_env");
  const model::Value* token_file = compute.settings.find("token_file");
  if (token) {
    sink.report(DiagCode::InlineSecret, token->key_at, "Slurm token is written inline in the spec",
                {"use token_env: SLURM_JWT (an environment variable) or token_file: PATH"});
  }
  if (token_env && token_file) {
    sink.report(DiagCode::SchemaViolation, token_file->key_at,
                "give either token_env or token_file, not both");
  } else if (!token_env && !token_file && !token) {
    sink.report(DiagCode::MissingKey, compute.at,
                "a slurm compute needs token_env or token_file for slurmrestd's JWT");
  }
}

}  // namespace jobc
