#include "backends/azureml/azureml_backend.h"

#include <fmt/format.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <thread>

#include "backends/azureml/backend_name.h"
#include "backends/azureml/compiled_calls.h"
#include "backends/azureml/compute_attach.h"
#include "backends/azureml/compute_payload.h"
#include "backends/azureml/job_uploads.h"
#include "backends/azureml/local_uploads.h"
#include "backends/azureml/request_linking.h"
#include "backends/azureml/service/datastore.h"
#include "backends/run_log_note.h"
#include "jobc/artifact_writer.h"
#include "jobc/compile.h"
#include "jobc/model/spec.h"

namespace jobc {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using std::chrono::milliseconds;
using namespace azureml;

constexpr auto kOutageLimit = std::chrono::minutes(5);

// "/subscriptions/S/resourceGroups/G/providers/Microsoft.MachineLearningServices/workspaces/W"
WorkspaceScope scope_of(const std::string& workspace_path) {
  WorkspaceScope scope;
  std::vector<std::string> parts;
  for (size_t at = 1; at <= workspace_path.size();) {
    size_t slash = workspace_path.find('/', at);
    if (slash == std::string::npos) slash = workspace_path.size();
    parts.push_back(workspace_path.substr(at, slash - at));
    at = slash + 1;
  }
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    if (parts[i] == "subscriptions") scope.subscription = parts[i + 1];
    if (parts[i] == "resourceGroups") scope.resource_group = parts[i + 1];
    if (parts[i] == "workspaces") scope.workspace = parts[i + 1];
  }
  return scope;
}

// Azure ML studio's page of the job, built as the service's services.Studio.endpoint names it
// (shown before the job is sent; the reply's own replaces it).
std::string studio_url(const std::string& workspace_path, const std::string& job_name) {
  std::string url = fmt::format("https://ml.azure.com/runs/{}?wsid={}", job_name, workspace_path);
  if (const char* tenant = std::getenv("AZURE_TENANT_ID"); tenant && *tenant)
    url += fmt::format("&tid={}", tenant);
  return url;
}

// The job's page in Azure ML studio as the job PUT's reply names it
// (properties.services.Studio.endpoint), or "" when it does not.
std::string studio_endpoint(const json& job) {
  const json* at = &job;
  for (const char* key : {"properties", "services", "Studio", "endpoint"}) {
    if (!at->is_object() || !at->contains(key)) return "";
    at = &(*at)[key];
  }
  return at->is_string() ? at->get<std::string>() : "";
}

// The compute the job runs on: a compute spec's (created when missing), or the cluster it
// names ("azureml:NAME", or NAME).
ComputeWanted wanted_compute(const SubmitContext& submit, const std::string& workspace_path,
                             DiagnosticSink& sink) {
  ComputeWanted wanted;
  if (submit.compute) {
    wanted.name = submit.compute->name.value_or("");
    model::Spec spec{*submit.compute};
    WorkspaceScope scope = scope_of(workspace_path);
    InputRecord inputs;
    AzureMlContext context{spec, scope, "", inputs, sink};
    if (auto request = compute_request(context, *submit.compute)) wanted.create_request = *request;
    return wanted;
  }
  std::string name = submit.compute_name;
  if (name.rfind("azureml:", 0) == 0) name = name.substr(8);
  wanted.name = name;
  return wanted;
}

}  // namespace

AzureMlBackend::AzureMlBackend(std::shared_ptr<HttpTransport> transport)
    : transport_(std::move(transport)) {}

std::string AzureMlBackend::name() const {
  return std::string(kBackendName);
}

Result<ArmClient*> AzureMlBackend::arm(const RunContext& context) {
  if (arm_) return arm_.get();
  if (!transport_) transport_ = make_curl_transport();
  std::string endpoint = context.backend_state.value("arm_endpoint", "");
  if (endpoint.empty()) return fail("no Azure ML endpoint recorded for the run");
  if (Status usable = check_url_transport(endpoint); !usable) return usable.error();
  auto credential = default_credential(transport_);
  if (!credential) return credential.error();
  std::shared_ptr<TokenCredential> shared = std::move(credential).value();
  arm_ = std::make_unique<ArmClient>(transport_, std::move(shared), endpoint);
  note_retries_in_log(context);
  return arm_.get();
}

void AzureMlBackend::note_retries_in_log(const RunContext& context) {
  if (!arm_) return;
  arm_->set_retry_notice(
      [log = context.log_file](const std::string& note) { append_run_note(log, note); });
}

JobAddress AzureMlBackend::address(const RunContext& context) const {
  return {context.backend_state.value("workspace_path", ""),
          context.backend_state.value("job_name", context.run.backend_job_id),
          context.backend_state.value("job_type", "command")};
}

Status AzureMlBackend::prepare(SubmitContext& submit) {
  RunContext& context = submit.run;
  const CompileResult& compiled = submit.compiled;
  Result<json> requests = compiled_json(compiled, kRequestsFile, true);
  if (!requests) return requests.error();
  Result<json> uploads = compiled_json(compiled, kUploadsFile, false);
  if (!uploads) return uploads.error();
  Result<std::string> workspace = job_workspace_path(*requests);
  if (!workspace) return workspace.error();
  const model::JobCommon* job = compiled.model ? compiled.model->job() : nullptr;
  if (!job) return fail("only a command job can be submitted to Azure ML");
  // A job without a name gets the run's (its folder's name: the record comes after prepare),
  // so that each submit is a new job, as the SDK's random names make it.
  std::string run_id =
      context.run.id.empty() ? context.run_dir.filename().string() : context.run.id;
  std::string job_name = job->name ? job_name_of(*requests) : run_id;
  Result<std::string> endpoint = arm_endpoint();
  if (!endpoint) return endpoint.error();
  std::string url = studio_url(*workspace, job_name);
  context.backend_state = {{"arm_endpoint", *endpoint},
                           {"workspace_path", *workspace},
                           {"job_name", job_name},
                           {"job_type", compiled.model->sweep_job() ? "sweep" : "command"},
                           {"url", url}};
  auto client = arm(context);
  if (!client) return client.error();
  ArmClient& api = **client;
  // Until the job is sent, the user watches jobc's own output, not the run's log.
  api.set_retry_notice([&progress = submit.progress](const std::string& note) {
    progress << "jobc: " << note << "\n";
  });

  DiagnosticSink sink;
  ComputeWanted wanted = wanted_compute(submit, *workspace, sink);
  if (wanted.name.empty()) return fail("the job names no Azure ML compute to run on");
  Result<std::string> compute_id =
      create_or_attach_compute(api, *workspace, wanted, submit.progress);
  if (!compute_id) return compute_id.error();

  bool terminal = &submit.progress == &std::cerr && isatty(STDERR_FILENO);
  Result<json> linked =
      upload_and_link(api, transport_, *workspace, *uploads, compiled.model->source().dir,
                      std::move(*requests), submit.progress, terminal);
  if (!linked) return linked.error();
  json linked_requests = std::move(*linked);
  linked_requests = link_job(std::move(linked_requests), job_name, *compute_id);
  // The code and environment versions, in order, before the job that names them.
  for (size_t i = 0; i + 1 < linked_requests.size(); ++i) {
    const json& request = linked_requests[i];
    Result<ArmReply> sent = api.send(compiled_call(request));
    if (!sent) return sent.error();
  }
  // The run's artifacts hold the requests as sent: the monitor sends the job from there.
  OutputSet artifacts = compiled.outputs;
  artifacts.add(kRequestsFile, linked_requests.dump(2) + "\n");
  WriteReport written = write_artifacts(artifacts, context.artifacts_dir, WriteMode::Write);
  if (!written.errors.empty()) return fail(written.errors.front());
  submit.progress << fmt::format("jobc: Azure ML job {} on {}\njobc: Studio: {}\n", job_name,
                                 wanted.name, url);
  return {};
}

Status AzureMlBackend::put_job(RunContext& context) {
  fs::path file = context.artifacts_dir / kRequestsFile;
  std::ifstream in(file);
  json requests = json::parse(in, nullptr, false);
  if (!requests.is_array() || requests.empty()) {
    return fail("cannot read the job's requests " + file.string());
  }
  auto client = arm(context);
  if (!client) return client.error();
  note_retries_in_log(context);
  const json& request = requests.back();
  JobAddress job = address(context);
  Result<ArmReply> sent = (*client)->send(compiled_call(request, "create job " + job.job_name));
  if (!sent) return sent.error();
  if (std::string studio = studio_endpoint(sent->body); !studio.empty())
    context.backend_state["url"] = studio;
  context.run.backend_job_id = job.job_name;
  append_run_note(context.log_file, fmt::format("RunId: {}", job.job_name));
  append_run_note(context.log_file,
                  fmt::format("Web View: {}", context.backend_state.value("url", "")));
  phase_ = {RunStatus::Queued, "NotStarted"};
  next_look_ = Clock::now();
  return {};
}

Backend::QuickStartResult AzureMlBackend::start_from_submitter(RunContext& context) {
  if (Status sent = put_job(context); !sent) return {QuickStart::Refused, sent.error().message};
  return {QuickStart::Started};
}

Status AzureMlBackend::start(RunContext& context) {
  if (Status sent = put_job(context); !sent) return sent;
  return adopt(context);
}

Status AzureMlBackend::adopt(RunContext& context) {
  JobAddress job = address(context);
  if (job.workspace_path.empty() || job.job_name.empty()) {
    return fail("no Azure ML job recorded for the run in " + context.run_dir.string());
  }
  auto client = arm(context);
  if (!client) return client.error();
  note_retries_in_log(context);
  if (!transport_) transport_ = make_curl_transport();
  watch_ = std::make_unique<JobWatch>(**client, transport_, job);
  if (phase_.reason.empty() || phase_.reason == "submitting the job to Azure ML")
    phase_ = {RunStatus::Queued, "NotStarted"};
  next_look_ = Clock::now();
  return {};
}

std::optional<JobExit> AzureMlBackend::look(RunContext& context) {
  auto now = Clock::now();
  Result<JobDetails> details = [&] {
    std::ofstream log(context.log_file, std::ios::app | std::ios::binary);
    return watch_->look(log);
  }();
  if (!details) {
    if (!failing_since_) {
      failing_since_ = now;
      append_run_note(context.log_file, fmt::format("cannot reach Azure ML ({}); trying again",
                                                    details.error().message));
    } else if (now - *failing_since_ >= kOutageLimit) {
      return JobExit{255, 0,
                     fmt::format("lost contact with Azure ML for 5 minutes ({}); job {} may still "
                                 "be running",
                                 details.error().message, address(context).job_name)};
    }
    next_look_ = now + retry_interval_;
    retry_interval_ = std::min(retry_interval_ * 2, milliseconds(30000));
    return std::nullopt;
  }
  if (failing_since_) append_run_note(context.log_file, "Azure ML answers again");
  failing_since_.reset();
  retry_interval_ = milliseconds(2000);
  if (details->status != last_status_) {
    last_status_ = details->status;
    append_run_note(context.log_file, fmt::format("Azure ML job {} is {}",
                                                  address(context).job_name, details->status));
  }
  auto state = job_state(*details);
  if (JobExit* exit = std::get_if<JobExit>(&state)) {
    ended_ = true;
    return *exit;
  }
  phase_ = std::get<JobPhase>(state);
  if (phase_.status == RunStatus::Queued) {
    if (!queued_since_) queued_since_ = now;
    next_look_ =
        now + look_interval(std::chrono::duration_cast<milliseconds>(now - *queued_since_));
  } else {
    queued_since_.reset();
    next_look_ = now + milliseconds(2000);
  }
  return std::nullopt;
}

std::optional<JobExit> AzureMlBackend::poll(RunContext& context, int wait_ms) {
  if (!watch_) {
    if (Status adopted = adopt(context); !adopted) {
      return JobExit{255, 0, adopted.error().message};
    }
  }
  auto deadline = Clock::now() + milliseconds(wait_ms);
  while (true) {
    auto now = Clock::now();
    if (now >= next_look_) {
      if (auto exit = look(context)) return exit;
      now = Clock::now();
    }
    if (now >= deadline) return std::nullopt;
    auto pause =
        std::min({milliseconds(100), std::chrono::duration_cast<milliseconds>(deadline - now),
                  std::chrono::duration_cast<milliseconds>(next_look_ - now)});
    std::this_thread::sleep_for(std::max(pause, milliseconds(1)));
  }
}

void AzureMlBackend::stop(RunContext& context, bool force) {
  if (force || ended_ || context.run.backend_job_id.empty()) return;  // no harder cancel
  auto client = arm(context);
  if (!client) {
    append_run_note(context.log_file, "could not cancel the job: " + client.error().message);
    return;
  }
  JobAddress job = address(context);
  append_run_note(context.log_file, fmt::format("canceling Azure ML job {}", job.job_name));
  Status canceled = cancel_job(**client, job, [&](std::string_view status) {
    append_run_note(context.log_file, fmt::format("cancel: {}", status));
  });
  if (!canceled) {
    append_run_note(context.log_file, "could not cancel the job: " + canceled.error().message);
  }
  next_look_ = Clock::now();
}

void AzureMlBackend::collect(RunContext& context) {
  if (!arm_ || context.run.backend_job_id.empty()) return;
  JobAddress job = address(context);
  Status downloaded = download_job_files(*arm_, transport_, job, context.work_dir);
  if (!downloaded) {
    append_run_note(context.log_file,
                    "could not bring back the job's outputs: " + downloaded.error().message);
  }
}

Status AzureMlBackend::stop_orphaned(RunContext& context) {
  if (context.run.backend_job_id.empty()) return {};  // never submitted
  auto client = arm(context);
  if (!client) return client.error();
  return cancel_job(**client, address(context));
}

}  // namespace jobc
