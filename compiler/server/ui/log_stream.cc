#include "server/ui/log_stream.h"

#include <chrono>
#include <fstream>
#include <thread>

namespace jobc::ui {
namespace {

constexpr size_t kChunkBytes = 64 * 1024;
constexpr auto kPoll = std::chrono::milliseconds(250);
constexpr int kPollsPerStatusCheck = 4;
constexpr int kPollsPerHeartbeat =
    40;  // a comment now and then: a closed page shows as a failed write

struct Tail {
  std::filesystem::path file;
  uint64_t offset = 0;
  int polls = 0;
  bool ended = false;
};

}  // namespace

size_t log_events(std::string_view chunk, std::string& events) {
  size_t used = 0;
  while (true) {
    size_t end = chunk.find('\n', used);
    if (end == std::string_view::npos) break;
    std::string_view line = chunk.substr(used, end - used);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    events += "data: ";
    for (char c : line) events += c == '\r' ? ' ' : c;  // a lone CR would end the SSE line
    events += "\n\n";
    used = end + 1;
  }
  return used;
}

void stream_log(UiApi& api, std::mutex& lock, const std::string& id, const std::string& from,
                httplib::Response& response) {
  auto tail = std::make_shared<Tail>();
  {
    std::lock_guard hold(lock);
    if (!api.find(id)) {
      response.status = 404;
      response.set_content("{\"error\":\"no run\"}", "application/json");
      return;
    }
    tail->file = api.store().run_dir(id) / "std_log.txt";
  }
  try {
    tail->offset = from.empty() ? 0 : std::stoull(from);
  } catch (const std::exception&) {
    tail->offset = 0;
  }
  response.set_header("X-Accel-Buffering", "no");
  response.set_chunked_content_provider(
      "text/event-stream", [&api, &lock, id, tail](size_t, httplib::DataSink& sink) {
        std::string chunk(kChunkBytes, '\0');
        std::ifstream in(tail->file, std::ios::binary);
        size_t got = 0;
        if (in) {
          in.seekg(static_cast<std::streamoff>(tail->offset));
          in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
          got = static_cast<size_t>(std::max<std::streamsize>(in.gcount(), 0));
        }
        std::string events;
        size_t used = log_events(std::string_view(chunk).substr(0, got), events);
        if (used == 0 && got == kChunkBytes) {  // a line longer than a chunk: sent in pieces
          events = "data: " + chunk + "\n\n";
          used = got;
        }
        if (tail->ended && used < got && got < kChunkBytes) {  // the last line, unended
          events += "data: " + chunk.substr(used, got - used) + "\n\n";
          used = got;
        }
        tail->offset += used;
        if (!events.empty()) return sink.write(events.data(), events.size());
        if (tail->ended) {
          static const std::string end = "event: end\ndata: \n\n";
          sink.write(end.data(), end.size());
          sink.done();
          return true;
        }
        if (++tail->polls % kPollsPerStatusCheck == 0) {
          std::lock_guard hold(lock);
          auto run = api.find(id);
          tail->ended = !run || is_terminal(run->status);  // one more read, then the end
        }
        if (tail->polls % kPollsPerHeartbeat == 0 && !sink.write(": alive\n\n", 9)) return false;
        std::this_thread::sleep_for(kPoll);
        return true;
      });
}

}  // namespace jobc::ui
