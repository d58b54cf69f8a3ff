#include "backends/docker/image_builder.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <regex>

#include "backends/docker/progress_stream.h"

namespace jobc::docker {
namespace {

using json = nlohmann::json;

constexpr size_t kLastLines = 12;

std::string strip_ansi(const std::string& text) {
  static const std::regex escape("\x1b\\[[0-9;?]*[A-Za-z]");
  return std::regex_replace(text, escape, "");
}

// "Step 3/6 : RUN apt-get ..." -> {"3/6", "RUN apt-get ..."}
std::pair<std::string, std::string> split_step(const std::string& step) {
  static const std::regex pattern(R"(^Step (\d+/\d+) : (.*)$)");
  std::smatch match;
  if (std::regex_match(step, match, pattern)) return {match[1], match[2]};
  return {"", step};
}

}  // namespace

std::string BuildTranscript::add(const json& message) {
  if (message.contains("errorDetail") || message.contains("error")) {
    std::string text = message.value("error", "");
    if (message.contains("errorDetail") && message["errorDetail"].is_object()) {
      text = message["errorDetail"].value("message", text);
    }
    error_ = text.empty() ? "the build failed" : text;
    return "";
  }
  if (message.contains("message") && message["message"].is_string() &&
      !message.contains("stream")) {
    error_ = message["message"].get<std::string>();  // an error status's body
    return "";
  }
  if (message.contains("aux") && message["aux"].is_object() && message["aux"].contains("ID")) {
    image_id_ = message["aux"].value("ID", "");
    return "";
  }
  std::string text;
  if (message.contains("stream") && message["stream"].is_string()) {
    text = message["stream"].get<std::string>();
  } else if (message.contains("status") && message["status"].is_string()) {
    // Pulling a FROM image during the build.
    text = message.value("id", "") + (message.contains("id") ? ": " : "") +
           message["status"].get<std::string>() + "\n";
    if (message.contains("progressDetail") && message["progressDetail"].is_object() &&
        message["progressDetail"].contains("current")) {
      return "";
    }
  } else {
    return "";
  }
  partial_ += strip_ansi(text);
  std::string shown;
  size_t newline;
  while ((newline = partial_.find_first_of("\r\n")) != std::string::npos) {
    std::string line = partial_.substr(0, newline);
    partial_.erase(0, newline + 1);
    if (line.empty()) continue;
    if (line.starts_with("Step ")) {
      step_ = line;
      last_lines_.clear();
    } else if (line.starts_with(" ---> ") || line.starts_with("Removing intermediate")) {
      continue;  // the engine's bookkeeping, not the step's output
    } else {
      last_lines_.push_back(line);
      if (last_lines_.size() > kLastLines) last_lines_.pop_front();
    }
    shown = line;
  }
  return shown;
}

std::string BuildTranscript::failure_report(const std::string& tag) const {
  auto [number, instruction] = split_step(step_);
  std::string report;
  if (!step_.empty()) {
    report = fmt::format("building {} failed at step {}: {}", tag, number, instruction);
  } else {
    report = fmt::format("building {} failed", tag);
  }
  static const std::regex code(R"(returned a non-zero code: (\d+))");
  std::smatch match;
  if (std::regex_search(error_, match, code)) {
    report += fmt::format("\n  the command exited with code {}", match[1].str());
  } else {
    report += "\n  the engine said: " + error_;
  }
  std::deque<std::string> lines = last_lines_;
  if (!partial_.empty()) lines.push_back(partial_);
  if (!lines.empty()) {
    report += "\n  its last output lines:";
    for (const std::string& line : lines) report += "\n    " + line;
  }
  return report;
}

std::string build_query(const BuildRequest& request) {
  std::string query = "/build?t=" + url_encode(request.tag) +
                      "&dockerfile=" + url_encode(request.dockerfile) +
                      "&networkmode=" + url_encode(request.network_mode) + "&rm=1&forcerm=1";
  if (request.no_cache) query += "&nocache=1";
  return query;
}

Status build_image(const EngineClient& engine, const BuildRequest& request, std::ostream& progress,
                   bool terminal) {
  int fd = ::open(request.context_tar.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return fail("cannot read the build context " + request.context_tar.string());
  }
  off_t size = ::lseek(fd, 0, SEEK_END);
  ::lseek(fd, 0, SEEK_SET);
  HttpRequest http = engine.request("POST", build_query(request));
  http.timeout_ms = 0;  // builds take what they take; the output shows they are alive
  http.connect_timeout_ms = 10000;
  http.headers.emplace_back("Content-Type", "application/x-tar");
  if (!request.registry_config.empty()) {
    http.headers.emplace_back("X-Registry-Config", request.registry_config);
  }
  http.body_size = size;
  http.body_source = [fd](char* buffer, size_t room) -> size_t {
    ssize_t got = ::read(fd, buffer, room);
    return got > 0 ? static_cast<size_t>(got) : 0;
  };
  ProgressDisplay display(progress, terminal, "jobc: ");
  BuildTranscript transcript;
  auto started = std::chrono::steady_clock::now();
  JsonLineDecoder decoder([&](const json& message) {
    std::string line = transcript.add(message);
    if (line.empty()) return;
    if (terminal) {
      // "[3/5] RUN apt-get update && apt-g… | Unpacking hello (2.10-3) ..."
      auto [number, instruction] = split_step(transcript.step());
      if (instruction.size() > 32) instruction = instruction.substr(0, 31) + "…";
      std::string status = fmt::format("[{}] {}", number, instruction);
      if (line != transcript.step()) status += " | " + line;
      display.show(status);
    } else {
      display.say(line.starts_with("Step ") ? line : "  " + line);
    }
  });
  http.on_chunk = [&](std::string_view chunk) {
    decoder.feed(chunk);
    return true;
  };
  display.say(fmt::format("building {} on {}", request.tag, engine.endpoint().shown));
  HttpResult response = engine.perform(http);
  ::close(fd);
  decoder.finish();
  display.clear();
  if (!response) {
    return fail(engine.describe_failure(response));
  }
  if (transcript.failed() || response->status >= 300) {
    return fail(transcript.failed()
                    ? transcript.failure_report(request.tag)
                    : fmt::format("building {} failed: HTTP {}", request.tag, response->status));
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  display.say(fmt::format("built {} in {:.1f} s", request.tag, seconds));
  return {};
}

}  // namespace jobc::docker
