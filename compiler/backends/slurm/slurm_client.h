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

// A request Slurm did not carry out: the Error's message ("POST /slurm/v0.0.38/job/submit:
// HTTP 500: Invalid partition ..."), and what callers branch on.
struct SlurmError : Error {
  long status = 0;  // the HTTP status; 0 when no answer came
  // The request did not reach Slurm (no connection, slurmctld unreachable): trying again
  // later may succeed, and a submit was certainly not done.
  bool unreachable = false;
  bool job_gone = false;      // Slurm does not know the job (error 2017: invalid job id)
  std::vector<long> numbers;  // Slurm's error numbers from the answer
};
template <class T>
using SlurmResult = Result<T, SlurmError>;

// Where the JWT comes from: the compute spec's token_env (default SLURM_JWT) or token_file,
// read anew for each request so a refreshed file is picked up. An error when there is none.
using TokenSource = std::function<Result<std::string>()>;
TokenSource token_source(const nlohmann::json& compute);
// The variable the token comes from (token_env, default SLURM_JWT); empty with a token_file.
std::string token_variable(const nlohmann::json& compute);

// The API version to use from the daemon's OpenAPI document (GET /openapi/v3): the one
// jobc's payload is written for when offered; an error naming the versions offered otherwise.
Result<std::string> choose_api_version(const nlohmann::json& openapi);

// What jobc asks Slurm about: a job ("471"), or one task of a job array ("471_3", Slurm's own
// notation, which scancel takes too).
struct JobRef {
  long long job = 0;
  std::optional<long long> task;  // set: task `task` of job array `job`
  std::string text() const;
  // From a run's backend_job_id; nullopt when it is neither form.
  static std::optional<JobRef> parse(const std::string& text);
};

class SlurmClient {
 public:
  // `endpoint`: the base URL (http://127.0.0.1:6820); `version`: the compute's api_version,
  // or empty for the one jobc writes payloads for (kSlurmApiVersion), taken without asking:
  // GET /openapi/v3 costs slurmrestd a whole document. Only when a submit is then refused
  // with 404 does the client read that document, to say which versions the daemon offers.
  SlurmClient(std::shared_ptr<HttpTransport> transport, std::string endpoint, std::string user,
              TokenSource token, std::string version);

  const std::string& version() const { return version_; }

  SlurmResult<void> ping();
  // POST job/submit; the new job's id.
  SlurmResult<long long> submit(const nlohmann::json& payload);
  // GET job/<ref>; the job's record (job_state, exit_code, state_reason, ...), or the array
  // task's own (array_job_id and array_task_id). slurmrestd finds a task only once it is split
  // out of its array's meta record (running or ended): a pending one is an error.
  SlurmResult<nlohmann::json> job(const JobRef& ref);
  // GET job/<id>: every record the answer holds (for a job array: the meta record of its
  // pending tasks and the record of each task split out of it).
  SlurmResult<nlohmann::json> job_records(long long id);
  // DELETE job/<ref>, with a signal (KILL) or without (Slurm's cancel: TERM, then KILL). A job
  // that has already ended counts as canceled.
  SlurmResult<void> cancel(const JobRef& ref, const std::string& signal);

 private:
  SlurmResult<nlohmann::json> call(const std::string& method, const std::string& path,
                                   const std::string& body, long timeout_ms = 15000);

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
