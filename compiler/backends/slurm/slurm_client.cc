#include "backends/slurm/slurm_client.h"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "backends/slurm/slurm_array.h"
#include "backends/slurm/slurm_job.h"
#include "support/text.h"

namespace jobc::slurm {
namespace {

using json = nlohmann::json;

constexpr long kErrorInvalidJobId = 2017;  // ESLURM_INVALID_JOB_ID
constexpr long kErrorAlreadyDone = 2021;   // ESLURM_ALREADY_DONE

// The numbers in an answer's `errors` (slurmrestd says error_number or error_code).
std::vector<long> error_numbers(const json& answer) {
  std::vector<long> numbers;
  if (!answer.is_object() || !answer.contains("errors") || !answer["errors"].is_array()) {
    return numbers;
  }
  for (const json& item : answer["errors"]) {
    if (!item.is_object()) continue;
    for (const char* key : {"error_number", "error_code"}) {
      if (item.contains(key) && item[key].is_number_integer()) numbers.push_back(item[key]);
    }
  }
  return numbers;
}

}  // namespace

std::string slurm_errors_text(const json& answer) {
  if (!answer.is_object() || !answer.contains("errors") || !answer["errors"].is_array()) return "";
  std::vector<std::string> parts;
  for (const json& item : answer["errors"]) {
    if (!item.is_object()) continue;
    std::string text = item.value("error", "");
    std::string description = item.value("description", "");
    if (!description.empty()) text += text.empty() ? description : ": " + description;
    for (const char* key : {"error_number", "error_code"}) {
      if (item.contains(key) && item[key].is_number_integer()) {
        text += fmt::format(" (error {})", item[key].get<long>());
      }
    }
    if (!text.empty()) parts.push_back(text);
  }
  std::string out;
  for (const std::string& part : parts) out += (out.empty() ? "" : "; ") + part;
  return out;
}

std::string token_variable(const json& compute) {
  if (compute.contains("token_file") && compute["token_file"].is_string()) return "";
  return compute.value("token_env", "SLURM_JWT");
}

TokenSource token_source(const json& compute) {
  if (compute.contains("token_file") && compute["token_file"].is_string()) {
    std::string file = compute["token_file"];
    return [file]() -> Result<std::string> {
      std::ifstream in(file);
      std::stringstream text;
      text << in.rdbuf();
      std::string token = trim(text.str());
      if (token.rfind("SLURM_JWT=", 0) == 0) token = trim(token.substr(10));
      if (token.empty()) {
        return fail(
            fmt::format("cannot read a Slurm token from {} (the compute's token_file)", file));
      }
      return token;
    };
  }
  std::string variable = token_variable(compute);
  return [variable]() -> Result<std::string> {
    const char* value = std::getenv(variable.c_str());
    std::string token = value ? trim(value) : "";
    if (token.empty()) {
      return fail(fmt::format(
          "the environment variable {} (the compute's token_env) holds no Slurm token; set it "
          "(scontrol token) or name a token_file",
          variable));
    }
    return token;
  };
}

Result<std::string> choose_api_version(const json& openapi) {
  static const std::regex submit_path(R"(^/slurm/(v[0-9]+\.[0-9]+\.[0-9]+)/job/submit$)");
  std::set<std::string> offered;
  if (openapi.is_object() && openapi.contains("paths") && openapi["paths"].is_object()) {
    for (const auto& [path, operations] : openapi["paths"].items()) {
      std::smatch match;
      if (std::regex_match(path, match, submit_path)) offered.insert(match[1].str());
    }
  }
  if (offered.count(std::string(kSlurmApiVersion))) return std::string(kSlurmApiVersion);
  std::string list;
  for (const std::string& version : offered) list += (list.empty() ? "" : ", ") + version;
  return fail(fmt::format(
      "slurmrestd offers no job API jobc can use ({}); jobc writes {} payloads: start slurmrestd "
      "with -s openapi/{}, or name the version in the compute's api_version",
      list.empty() ? "none found in GET /openapi/v3" : "it offers " + list, kSlurmApiVersion,
      kSlurmApiVersion));
}

SlurmClient::SlurmClient(std::shared_ptr<HttpTransport> transport, std::string endpoint,
                         std::string user, TokenSource token, std::string version)
    : transport_(std::move(transport)),
      endpoint_(std::move(endpoint)),
      user_(std::move(user)),
      token_(std::move(token)),
      version_(std::move(version)) {
  while (!endpoint_.empty() && endpoint_.back() == '/') endpoint_.pop_back();
  if (version_.empty()) {
    version_ = std::string(kSlurmApiVersion);
    version_assumed_ = true;
  }
}

SlurmResult<json> SlurmClient::call(const std::string& method, const std::string& path,
                                    const std::string& body, long timeout_ms) {
  SlurmError error;
  Result<std::string> token = token_();
  if (!token) {
    error.message = token.error().message;
    return error;
  }
  HttpRequest request;
  request.method = method;
  request.url = endpoint_ + path;
  request.headers = {
      {"X-SLURM-USER-NAME", user_}, {"X-SLURM-USER-TOKEN", *token}, {"Accept", "application/json"}};
  if (!body.empty()) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = body;
  }
  request.connect_timeout_ms = 3000;
  request.timeout_ms = timeout_ms;
  HttpResult reply = transport_->perform(request);
  std::string what = method + " " + endpoint_ + path;
  if (!reply) {
    error.message = fmt::format("{}: {}", what, reply.error().message);
    error.unreachable = reply.error().kind == HttpError::Kind::Refused ||
                        reply.error().kind == HttpError::Kind::NoSocket;
    return error;
  }
  const HttpResponse& response = *reply;
  json answer = json::parse(response.body, nullptr, false);
  std::string errors = slurm_errors_text(answer);
  if (!response.ok() || !errors.empty() || !answer.is_object()) {
    error.status = response.status;
    std::string text = errors;
    if (text.empty()) {
      text = trim(response.body.substr(0, 300));
      if (!answer.is_object() && response.ok()) text = "the answer is not a JSON object";
    }
    if (response.status == 401) {
      text += "; check the token (token_env / token_file) and the compute's user";
    }
    error.message = fmt::format("{}: HTTP {}: {}", what, response.status, text);
    error.numbers = error_numbers(answer);
    for (long number : error.numbers) {
      if (number == kErrorInvalidJobId) error.job_gone = true;
      if (number >= 1000 && number < 2000) error.unreachable = true;  // slurmctld unreachable
    }
    if (response.status == 502 || response.status == 503) error.unreachable = true;
    return error;
  }
  return answer;
}

SlurmResult<void> SlurmClient::ping() {
  auto answer = call("GET", "/slurm/" + version_ + "/ping", "");
  if (!answer) return answer.error();
  return {};
}

SlurmResult<long long> SlurmClient::submit(const json& payload) {
  auto answer = call("POST", "/slurm/" + version_ + "/job/submit", payload.dump(), 60000);
  if (!answer) {
    SlurmError error = answer.error();
    if (error.status == 404 && version_assumed_) {
      // Most likely a slurmrestd without this version's plugin: say which ones it has.
      if (auto document = call("GET", "/openapi/v3", "", 30000)) {
        if (auto usable = choose_api_version(*document); !usable) {
          error.message = usable.error().message;
        }
      }
    }
    return error;
  }
  version_assumed_ = false;
  if (!answer->contains("job_id") || !(*answer)["job_id"].is_number_integer()) {
    SlurmError error;
    error.message = "slurmrestd accepted the job but sent no job_id";
    return error;
  }
  return (*answer)["job_id"].get<long long>();
}

std::string JobRef::text() const {
  return task ? fmt::format("{}_{}", job, *task) : std::to_string(job);
}

std::optional<JobRef> JobRef::parse(const std::string& text) {
  static const std::regex form(R"(^([1-9][0-9]{0,17})(?:_([0-9]{1,9}))?$)");
  std::smatch match;
  if (!std::regex_match(text, match, form)) return std::nullopt;
  JobRef ref;
  ref.job = std::stoll(match[1].str());
  if (match[2].matched) ref.task = std::stoll(match[2].str());
  return ref;
}

SlurmResult<json> SlurmClient::job(const JobRef& ref) {
  auto answer = call("GET", fmt::format("/slurm/{}/job/{}", version_, ref.text()), "");
  if (!answer) return answer.error();
  json records = answer->contains("jobs") ? (*answer)["jobs"] : json::array();
  if (ref.task) {
    ArrayTaskLookup task = find_array_task(records, ref.job, *ref.task);
    if (task.found == ArrayTaskLookup::Found::Record) return task.record;
  } else if (records.is_array()) {
    for (const json& job : records) {
      if (job.is_object() && job.value("job_id", -1LL) == ref.job) return job;
    }
  }
  SlurmError error;
  error.message = fmt::format("slurmrestd has no record of job {}", ref.text());
  error.job_gone = true;
  return error;
}

SlurmResult<json> SlurmClient::job_records(long long id) {
  auto answer = call("GET", fmt::format("/slurm/{}/job/{}", version_, id), "");
  if (!answer) return answer.error();
  if (answer->contains("jobs") && (*answer)["jobs"].is_array()) return (*answer)["jobs"];
  return json::array();
}

SlurmResult<void> SlurmClient::cancel(const JobRef& ref, const std::string& signal) {
  std::string path = fmt::format("/slurm/{}/job/{}", version_, ref.text());
  if (!signal.empty()) path += "?signal=" + url_encode(signal);
  auto answer = call("DELETE", path, "");
  if (answer) return {};
  for (long number : answer.error().numbers) {
    if (number == kErrorAlreadyDone) return {};
  }
  return answer.error();
}

}  // namespace jobc::slurm
