// The docker backend: the job runs in a container of its environment's image on a Docker
// engine (the Engine API over its socket; no docker CLI).
//  * prepare (the submitting jobc, with the user's terminal): connect, and unless the engine
//    already has jobc-env:<environment hash> (jobc submit --rebuild forces), pull the base image
//    (with the environment's registry credentials) and build the image, from the recipe the
//    compilation made; the container's options come from the model's resources.
//  * start (the run monitor): a container with the run's folder bind-mounted at /jobc/run
//    (the code, outputs/, logs/), the artifacts read-only at /jobc/artifacts, local inputs
//    read-only under /jobc/inputs, running `bash /jobc/artifacts/launch.sh`; network none unless
//    docker_args ask for host; its output streamed into std_log.txt as it comes.
//  * stop: SIGTERM, then SIGKILL; collect: the container is removed (outputs/ and logs/ are
//    already in the run's folder).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "backends/docker/engine_client.h"
#include "jobc/backend.h"

namespace jobc {

class DockerBackend : public Backend {
 public:
  // `transport` null: the real one (libcurl). Tests pass a fake.
  explicit DockerBackend(std::shared_ptr<HttpTransport> transport = nullptr);
  ~DockerBackend() override;

  std::string name() const override { return "docker"; }
  Status prepare(SubmitContext& context) override;
  Status start(RunContext& context) override;
  std::optional<JobExit> poll(RunContext& context, int wait_ms) override;
  void stop(RunContext& context, bool force) override;
  void collect(RunContext& context) override;
  // Removes the container (force), by its id, or by its name when the monitor died before
  // it recorded the id.
  Status stop_orphaned(RunContext& context) override;
  // The exit code of a container that had exited on its own when stop_orphaned() removed it.
  std::optional<JobExit> orphaned_exit(RunContext& context) override;
  // MLflow tracking: a container without a network reaches the run's endpoint through a
  // unix socket mounted at /jobc/tracking and jobc-relay inside it (on 127.0.0.1:5000); one on
  // the host's network reaches it on loopback.
  bool reaches_tracking() const override;
  bool tracking_over_socket(const RunContext& context) const override;
  std::string tracking_uri(const RunContext& context, int port) const override;
  std::string artifact_uri(const RunContext& context) const override;
  // How long start() waits for the engine to answer the attach before it starts the container
  // anyway (and reads the engine's log instead). Long, because only the attach is sure to
  // carry the last lines: a loaded engine can stop and close a container's log without them.
  // Tests shorten it.
  void set_attach_wait(std::chrono::milliseconds wait) { attach_wait_ = wait; }

 private:
  Result<std::unique_ptr<docker::EngineClient>> engine_from_state(const RunContext& context) const;
  void stream_output(std::filesystem::path log_file);
  void wait_for_exit();
  void finish_threads();
  void remove_container();

  std::shared_ptr<HttpTransport> transport_;
  std::unique_ptr<docker::EngineClient> engine_;
  std::string container_id_;
  bool removed_ = false;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<JobExit> exit_;
  std::chrono::steady_clock::time_point exited_at_;
  std::optional<JobExit> orphan_exit_;
  bool logs_done_ = false;
  bool started_ = false;
  // Late: the container started before the attach was answered, so the attach may have missed
  // the first output and is dropped for the engine's log, which has everything.
  enum class Attach { Pending, Open, Failed, Late } attach_ = Attach::Pending;
  std::chrono::milliseconds attach_wait_{20000};
  std::atomic<bool> abort_{false};
  std::thread logs_thread_;
  std::thread wait_thread_;
};

}  // namespace jobc
