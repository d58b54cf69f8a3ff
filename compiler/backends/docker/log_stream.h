// The engine's log stream of a container without a TTY: frames of an 8-byte header (stream
// type: 1 stdout, 2 stderr; 3 zero bytes; payload size, 4 bytes big-endian) and the payload.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace jobc::docker {

class MultiplexedStreamDecoder {
 public:
  // stream: 0 stdin, 1 stdout, 2 stderr, 3 the engine's own error text.
  using Handler = std::function<void(int stream, std::string_view payload)>;
  explicit MultiplexedStreamDecoder(Handler handler) : handler_(std::move(handler)) {}
  // Bytes as they arrive, split anywhere (inside a header or a payload).
  void feed(std::string_view bytes);
  // Bytes left of an unfinished frame (non-zero means the stream was cut).
  size_t pending() const { return buffer_.size(); }

 private:
  Handler handler_;
  std::string buffer_;
};

}  // namespace jobc::docker
