#include "backends/docker/log_stream.h"

namespace jobc::docker {

void MultiplexedStreamDecoder::feed(std::string_view bytes) {
  buffer_.append(bytes);
  size_t at = 0;
  while (buffer_.size() - at >= 8) {
    auto byte = [&](size_t i) {
      return static_cast<uint32_t>(static_cast<unsigned char>(buffer_[at + i]));
    };
    int stream = static_cast<int>(byte(0));
    uint32_t size = (byte(4) << 24) | (byte(5) << 16) | (byte(6) << 8) | byte(7);
    if (buffer_.size() - at - 8 < size) break;
    // Forward large payloads as they are; a frame is at most what the engine buffered.
    handler_(stream, std::string_view(buffer_).substr(at + 8, size));
    at += 8 + size;
  }
  buffer_.erase(0, at);
}

}  // namespace jobc::docker
