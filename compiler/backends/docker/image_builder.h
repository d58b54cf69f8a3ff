// Building an environment's image on the engine: POST /build with the build context, tagged
// jobc-env:<environment hash>, with host networking (package mirrors); the output decoded
// live; a failing step reported with its instruction and last output lines.
#pragma once

#include <deque>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>

#include "backends/docker/engine_client.h"

namespace jobc::docker {

struct BuildRequest {
  std::string tag;                              // jobc-env:<hash>
  std::filesystem::path context_tar;            // from write_build_context()
  std::string dockerfile = ".jobc/Dockerfile";  // inside the context
  bool no_cache = false;                        // --rebuild: every layer anew
  std::string registry_config;                  // X-Registry-Config value, or ""
  std::string network_mode = "host";
};

// Follows the engine's build messages: the step being run, its output, the image id, the
// error. Separate from the transport so tests feed it recorded streams.
class BuildTranscript {
 public:
  // Returns the line to show (a step, an output line), or "" for nothing.
  std::string add(const nlohmann::json& message);
  bool failed() const { return !error_.empty(); }
  const std::string& image_id() const { return image_id_; }
  const std::string& step() const { return step_; }
  // "step 3/6: RUN apt-get install -y nope" + the command's exit + its last output lines.
  std::string failure_report(const std::string& tag) const;

 private:
  std::string step_;  // "Step 3/6 : RUN ..." as the engine wrote it
  std::deque<std::string> last_lines_;
  std::string error_;
  std::string image_id_;
  std::string partial_;  // output not yet ended by a newline
};

// The query of POST /build for `request` (tests check it).
std::string build_query(const BuildRequest& request);

Status build_image(const EngineClient& engine, const BuildRequest& request, std::ostream& progress,
                   bool terminal);

}  // namespace jobc::docker
