// When an ARM request is sent again and how long to wait first, as azure-core's RetryPolicy
// decides: 408, 429, 500, 502-504 and >= 506 for idempotent methods (POST and PATCH only on
// 500, 503 and 504), any failed status that carries a retry-after header whatever the
// method, and connection failures (read timeouts only for idempotent methods).
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "support/http_client.h"

namespace jobc::azureml {

inline constexpr int kArmStatusRetries = 10;    // azure-core's retry_total
inline constexpr int kArmTransportRetries = 3;  // its retry_connect and retry_read

// Whether `response` (a reply, or a transport failure) to a `method` request is worth sending
// again, attempts aside.
bool arm_should_retry(std::string_view method, const HttpResult& response);

// What the reply asks to wait: retry-after-ms, x-ms-retry-after-ms (milliseconds), or
// Retry-After (seconds, or an HTTP date); nullopt when none is given or readable.
std::optional<std::chrono::milliseconds> retry_after(
    const HttpHeaders& headers,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// The wait before retry number `retry` (1, 2...): the reply's retry-after when it has one,
// else 0.8 * 2^(retry-1) s, at most 120 s.
std::chrono::milliseconds retry_wait(const HttpHeaders& headers, int retry);

}  // namespace jobc::azureml
