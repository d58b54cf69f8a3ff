#include "runs/tracking/tracking_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "support/secret_token.h"

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

namespace jobc {
namespace {

using json = nlohmann::json;

bool write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t wrote = ::write(fd, text.data() + done, text.size() - done);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) return false;
    done += static_cast<size_t>(wrote);
  }
  return true;
}

// The server's first line ({"port": N}), waiting at most `limit_ms`.
std::string read_first_line(int fd, int limit_ms) {
  std::string line;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(limit_ms);
  while (line.find('\n') == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) break;
    pollfd ready{fd, POLLIN, 0};
    if (::poll(&ready, 1, static_cast<int>(left)) <= 0) continue;
    char buffer[256];
    ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got <= 0) break;
    line.append(buffer, static_cast<size_t>(got));
  }
  return line.substr(0, line.find('\n'));
}

}  // namespace

std::filesystem::path server_executable() {
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return self.parent_path() / "jobc-server";
}

Result<std::unique_ptr<TrackingProcess>> TrackingProcess::start(const std::filesystem::path& home,
                                                                const std::vector<TrackedRun>& runs,
                                                                const std::filesystem::path& log,
                                                                bool unix_socket,
                                                                const std::string& host,
                                                                const std::string& given_token) {
  std::filesystem::path program = server_executable();
  if (access(program.c_str(), X_OK) != 0) {
    return fail("no tracking server: " + program.string() + " is missing (install it beside jobc)");
  }
  auto token =
      given_token.empty() ? new_secret_token("a tracking token") : Result<std::string>(given_token);
  if (!token) return token.error();
  std::filesystem::path socket;
  if (unix_socket) {
    char folder[] = "/tmp/jobc-tracking-XXXXXX";
    if (!mkdtemp(folder)) return fail(std::string("mkdtemp: ") + std::strerror(errno));
    chmod(folder, 0755);  // a container's user reaches the socket; the token guards it
    socket = std::filesystem::path(folder) / "mlflow.sock";
  }
  int to_server[2];
  int from_server[2];
  if (pipe2(to_server, O_CLOEXEC) != 0) return fail(std::string("pipe: ") + std::strerror(errno));
  if (pipe2(from_server, O_CLOEXEC) != 0) {
    close(to_server[0]);
    close(to_server[1]);
    return fail(std::string("pipe: ") + std::strerror(errno));
  }
  // Started as a grandchild (fork twice, then exec), so it is no child of the monitor: a
  // backend that stops every child the job left (the local backend, as a subreaper) leaves
  // it alone, and it never turns up in the monitor's waitpid().
  std::string path = program.string();
  std::string log_path = log.string();
  std::string command = "track";
  char* argv[] = {path.data(), command.data(), nullptr};
  char* no_environment[] = {nullptr};  // it needs none, and gets no credential of the monitor
  auto process = std::unique_ptr<TrackingProcess>(new TrackingProcess());
  pid_t child = fork();
  if (child == 0) {
    if (fork() == 0) {
      setsid();
      dup2(to_server[0], STDIN_FILENO);
      dup2(from_server[1], STDOUT_FILENO);
      int err = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
      if (err >= 0) dup2(err, STDERR_FILENO);
      closefrom(3);  // nothing of the monitor's but these three
      execve(path.c_str(), argv, no_environment);
      _exit(127);
    }
    _exit(0);
  }
  int forked = errno;
  if (child > 0) waitpid(child, nullptr, 0);
  close(to_server[0]);
  close(from_server[1]);
  if (child < 0) {
    close(to_server[1]);
    close(from_server[0]);
    return fail("cannot start the tracking server: " + std::string(std::strerror(forked)));
  }
  process->control_ = to_server[1];
  process->token_ = *token;
  json config = {{"home", home.string()}, {"host", host}, {"token", *token}};
  if (!socket.empty()) config["unix_socket"] = socket.string();
  process->socket_ = socket;
  config["runs"] = json::array();
  for (const TrackedRun& run : runs) {
    config["runs"].push_back({{"run_id", run.run_id},
                              {"run_name", run.run_name},
                              {"experiment_name", run.experiment_name},
                              {"artifact_uri", run.artifact_uri},
                              {"start_ms", run.start_ms}});
  }
  bool sent = write_all(process->control_, config.dump() + "\n");
  std::string line = sent ? read_first_line(from_server[0], 10000) : "";
  close(from_server[0]);
  json answer = json::parse(line, nullptr, false);
  if (!answer.is_object() || !answer.contains("port") || !answer["port"].is_number_integer()) {
    return fail("the tracking server did not start (see " + log.string() + ")");
  }
  process->port_ = answer["port"].get<int>();
  return process;
}

int TrackingProcess::release_control() {
  int control = control_;
  control_ = -1;
  return control;
}

Result<std::unique_ptr<TrackingProcess>> serve_run_tracking(const std::filesystem::path& home,
                                                            RunContext& context,
                                                            const Backend& backend) {
  const RunRecord& run = context.run;
  TrackedRun tracked{run.id, run.display_name.empty() ? run.name : run.display_name, run.experiment,
                     backend.artifact_uri(context), run.created_ms};
  auto queued_token = context.tracking_environment.find("MLFLOW_TRACKING_TOKEN");
  auto started = TrackingProcess::start(
      home, {tracked}, context.run_dir / "tracking.log", backend.tracking_over_socket(context),
      backend.tracking_listen_host(context),
      queued_token == context.tracking_environment.end() ? "" : queued_token->second);
  if (!started) return started.error();
  context.tracking_socket = (*started)->socket();
  std::string uri = backend.tracking_uri(context, (*started)->port());
  for (auto& [name, value] : (*started)->variables(tracked, uri)) {
    context.tracking_environment[name] = value;
  }
  return started;
}

TrackingProcess::~TrackingProcess() {
  if (control_ >= 0) close(control_);  // the server exits when its stdin closes
}

std::map<std::string, std::string> TrackingProcess::variables(
    const TrackedRun& run, const std::string& tracking_uri) const {
  return tracking_variables(run.run_id, run.experiment_name, token_, tracking_uri);
}

std::map<std::string, std::string> tracking_variables(const std::string& run_id,
                                                      const std::string& experiment,
                                                      const std::string& token,
                                                      const std::string& tracking_uri) {
  std::map<std::string, std::string> variables = {
      {"MLFLOW_TRACKING_TOKEN", token},
      {"MLFLOW_RUN_ID", run_id},
      {"MLFLOW_EXPERIMENT_NAME", experiment},
      {"MLFLOW_EXPERIMENT_ID", MlflowApi::experiment_id(experiment)}};
  if (!tracking_uri.empty()) variables["MLFLOW_TRACKING_URI"] = tracking_uri;
  return variables;
}

}  // namespace jobc
