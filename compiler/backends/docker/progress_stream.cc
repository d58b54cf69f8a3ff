#include "backends/docker/progress_stream.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <iostream>

namespace jobc::docker {
namespace {

size_t terminal_width(int fd) {
  winsize size{};
  if (ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 20) return size.ws_col;
  return 80;
}

// Cuts `text` to `width` columns (counting UTF-8 lead bytes as one column each).
std::string fit(const std::string& text, size_t width) {
  size_t columns = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (++columns > width) return text.substr(0, i);
  }
  return text;
}

}  // namespace

void JsonLineDecoder::feed(std::string_view chunk) {
  pending_.append(chunk);
  size_t start = 0;
  while (true) {
    size_t newline = pending_.find('\n', start);
    if (newline == std::string::npos) break;
    line(std::string_view(pending_).substr(start, newline - start));
    start = newline + 1;
  }
  pending_.erase(0, start);
}

void JsonLineDecoder::finish() {
  if (!pending_.empty()) line(pending_);
  pending_.clear();
}

void JsonLineDecoder::line(std::string_view text) {
  while (!text.empty() && (text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
  if (text.empty()) return;
  nlohmann::json message = nlohmann::json::parse(text, nullptr, false);
  if (message.is_discarded() || !message.is_object()) {
    message = {{"stream", std::string(text) + "\n"}};
  }
  handler_(message);
}

bool is_terminal_stream(const std::ostream& out) {
  if (&out == &std::cerr || &out == &std::clog) return isatty(STDERR_FILENO) == 1;
  if (&out == &std::cout) return isatty(STDOUT_FILENO) == 1;
  return false;
}

void ProgressDisplay::show(const std::string& status) {
  if (!terminal_) {
    if (status == last_) return;
    last_ = status;
    out_ << prefix_ << status << "\n" << std::flush;
    return;
  }
  last_ = status;
  auto now = std::chrono::steady_clock::now();
  if (line_shown_ && now - last_draw_ < std::chrono::milliseconds(50)) return;  // no flicker
  last_draw_ = now;
  size_t width = terminal_width(STDERR_FILENO) - 1;
  out_ << "\r\033[K" << fit(prefix_ + status, width) << std::flush;
  line_shown_ = true;
}

void ProgressDisplay::say(const std::string& line) {
  clear();
  out_ << prefix_ << line << "\n" << std::flush;
}

void ProgressDisplay::clear() {
  if (terminal_ && line_shown_) {
    out_ << "\r\033[K" << std::flush;
    line_shown_ = false;
  }
}

}  // namespace jobc::docker
