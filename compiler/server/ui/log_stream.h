// GET /api/runs/ID/log/stream?from=BYTE: the live tail of a run's log as server-sent events,
// one event per line, from byte `from` on (what GET /api/runs/ID/log ended at). The file is
// polled (a few times a second: a new line shows within the 2 s the page promises); the
// stream ends with an "end" event once the run has ended and the file is read to its end.
#pragma once

#include <httplib.h>

#include <mutex>
#include <string>

#include "server/ui/api.h"

namespace jobc::ui {

// Splits `chunk` into SSE "data:" events, one per complete line; returns how many bytes it
// used (a partial last line waits for its end).
size_t log_events(std::string_view chunk, std::string& events);

void stream_log(UiApi& api, std::mutex& lock, const std::string& id, const std::string& from,
                httplib::Response& response);

}  // namespace jobc::ui
