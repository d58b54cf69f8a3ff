// The engine's progress streams (build, pull): JSON messages, one per line, decoded as they
// arrive; and how jobc shows them: one line redrawn in place on a terminal, plain lines
// otherwise (a log file, CI).
#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <string_view>

namespace jobc::docker {

// Splits a byte stream into JSON messages. Lines that are not JSON are passed on as
// {"stream": line} so nothing the engine says is lost.
class JsonLineDecoder {
 public:
  using Handler = std::function<void(const nlohmann::json& message)>;
  explicit JsonLineDecoder(Handler handler) : handler_(std::move(handler)) {}
  void feed(std::string_view chunk);
  void finish();  // a last line without its newline

 private:
  void line(std::string_view text);
  Handler handler_;
  std::string pending_;
};

// Where progress goes. On a terminal, show() redraws one status line (cut to the width);
// say() prints a line that stays. Otherwise both print plain lines, and show() only when the
// text changed.
class ProgressDisplay {
 public:
  ProgressDisplay(std::ostream& out, bool terminal, std::string prefix)
      : out_(out), terminal_(terminal), prefix_(std::move(prefix)) {}
  ~ProgressDisplay() { clear(); }
  void show(const std::string& status);
  void say(const std::string& line);
  void clear();  // removes the status line (terminal)
  bool terminal() const { return terminal_; }

 private:
  std::ostream& out_;
  bool terminal_;
  std::string prefix_;
  std::string last_;
  bool line_shown_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
};

// True when `out` is std::cout or std::cerr and that descriptor is a terminal.
bool is_terminal_stream(const std::ostream& out);

}  // namespace jobc::docker
