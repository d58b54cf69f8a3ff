// A client of slurmrestd's REST API (v0.0.38): ping, job submit, job state, cancel, and the
// API version from the daemon's OpenAPI document. Every request carries the user name and
// the JWT (X-SLURM-USER-NAME, X-SLURM-USER-TOKEN); the token is never in an error message.
// Errors say the request, the HTTP status and the text of slurmrestd's `errors` array.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "jobc/result.h"
#include "support/http_client.h"

namespace jobc::slurm {

struct SlurmError {
  long status = 0;      // the HTTP status; 0 when no answer came
  std::string message;  // "POST /slurm/v0.0.38/job/submit: HTTP 500: Invalid partition ..."
  // The request did not reach Slurm (no connection, slurmctld unreachable): trying again
  // later may succeed, and a submit was certainly not done.
  bool unreachable = false;
  bool job_gone = false;      // Slurm does not know the job (error 2017: invalid job id)
  std::vector<long> numbers;  // Slurm's error numbers from the answer
};

// Where the JWT comes from: the compute spec's token_env (default SLURM_JWT) or token_file,
// read anew for each request so a refreshed file is picked up. An error when there is none.
using TokenSource = std::function<Result<std::string>()>;
TokenSource token_source(const nlohmann::json& compute);
// The variable the token comes from (token_env, default SLURM_JWT); empty with a token_file.
std::string token_variable(const nlohmann::json& compute);

// The API version to use from the daemon's OpenAPI document (GET /openapi/v3): the one
// jobc's payload is written for when offered; an error naming the versions offered otherwise.
Result<std::string> choose_api_version(const nlohmann::json& openapi);

class SlurmClient {
 public:
  // `endpoint`: the base URL (http://127.0.0.1:6820); `version`: the compute's api_version,
  // or empty for the one jobc writes payloads for (kSlurmApiVersion), taken without asking:
  // GET /openapi/v3 costs slurmrestd a whole document. Only when a submit is then refused
  // with 404 does the client read that document, to say which versions the daemon offers.
  SlurmClient(std::shared_ptr<HttpTransport> transport, std::string endpoint, std::string user,
              TokenSource token, std::string version);

  const std::string& version() const { return version_; }

  bool ping(SlurmError& error);
  // POST job/submit; the new job's id.
  std::optional<long long> submit(const nlohmann::json& payload, SlurmError& error);
  // GET job/<id>; the job's record (job_state, exit_code, state_reason, ...).
  std::optional<nlohmann::json> job(long long id, SlurmError& error);
  // DELETE job/<id>, with a signal (KILL) or without (Slurm's cancel: TERM, then KILL). A job
  // that has already ended counts as canceled.
  bool cancel(long long id, const std::string& signal, SlurmError& error);

 private:
  std::optional<nlohmann::json> call(const std::string& method, const std::string& path,
                                     const std::string& body, SlurmError& error,
                                     long timeout_ms = 15000);

  std::shared_ptr<HttpTransport> transport_;
  std::string endpoint_;
  std::string user_;
  TokenSource token_;
  std::string version_;
  bool version_assumed_ = false;  // jobc's own, not yet answered by the daemon
};

// The text of a slurmrestd answer's `errors` array ("" when it has none).
std::string slurm_errors_text(const nlohmann::json& answer);

}  // namespace jobc::slurm
