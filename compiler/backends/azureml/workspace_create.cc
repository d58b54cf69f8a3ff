#include "backends/azureml/workspace_create.h"

#include <fmt/format.h>
#include <unistd.h>

#include <iostream>

#include "backends/azureml/compiled_calls.h"
#include "backends/azureml/compute_attach.h"
#include "backends/azureml/job_uploads.h"
#include "backends/azureml/request_linking.h"
#include "jobc/model/spec.h"

namespace jobc::azureml {

Status create_in_workspace(const CompileResult& compiled, std::ostream& progress) {
  Result<nlohmann::json> requests = compiled_json(compiled, kRequestsFile, true);
  if (!requests) return requests.error();
  if (!requests->is_array() || requests->empty())
    return fail("the spec describes nothing to create");
  Result<nlohmann::json> uploads = compiled_json(compiled, kUploadsFile, false);
  if (!uploads) return uploads.error();
  Result<std::string> workspace = workspace_path_of(requests->front().value("path", ""));
  if (!workspace) return workspace.error();
  Result<std::string> endpoint = arm_endpoint();
  if (!endpoint) return endpoint.error();
  std::shared_ptr<HttpTransport> transport = make_curl_transport();
  auto credential = default_credential(transport);
  if (!credential) return credential.error();
  std::shared_ptr<TokenCredential> shared = std::move(credential).value();
  ArmClient arm(transport, std::move(shared), *endpoint);
  bool terminal = &progress == &std::cerr && isatty(STDERR_FILENO);
  Result<nlohmann::json> linked =
      upload_and_link(arm, transport, *workspace, *uploads, compiled.model->source().dir,
                      std::move(*requests), progress, terminal);
  if (!linked) return linked.error();
  for (const nlohmann::json& request : *linked) {
    std::string path = request.value("path", "");
    std::string name = path.substr(path.rfind('/') + 1);
    if (path.find("/computes/") == std::string::npos) {
      Result<ArmReply> sent = arm.send(compiled_call(request));
      if (!sent) return sent.error();
      progress << fmt::format("jobc: {} {}\n", sent->status == 201 ? "created" : "updated",
                              path.substr(path.find("/environments/") + 1));
      continue;
    }
    ArmCall call = compiled_call(request, "create or update compute " + name);
    Result<nlohmann::json> body = with_location(arm, *workspace, call.body.value_or(nullptr));
    if (!body) return body.error();
    call.body = std::move(*body);
    progress << fmt::format("jobc: creating or updating compute '{}'\n", name);
    Result<ArmReply> started = arm.send(call);
    if (!started) return started.error();
    Result<ArmReply> done = arm.wait_for_operation(call, *started, [&](std::string_view status) {
      progress << fmt::format("jobc: compute '{}': {}\n", name, status);
    });
    if (!done) return done.error();
    progress << fmt::format("jobc: compute '{}' is ready\n", name);
  }
  return {};
}

}  // namespace jobc::azureml
