#include "backends/azureml/service/arm_retry.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <iomanip>
#include <sstream>
#include <string>

#include "support/text.h"

namespace jobc::azureml {
namespace {

constexpr double kBackoffFactorSeconds = 0.8;
constexpr std::chrono::milliseconds kBackoffMax{120'000};
// A server may ask for any wait; more than this is treated as this, so a bad header cannot
// stall jobc for hours.
constexpr std::chrono::milliseconds kRetryAfterMax{600'000};

bool idempotent(std::string_view method) {
  std::string name = lower(method);
  return name != "post" && name != "patch";
}

bool retried_status(long status) {
  return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 ||
         status == 504 || status >= 506;
}

bool has_retry_after(const HttpHeaders& headers) {
  for (const auto& [name, value] : headers) {
    if (iequals(name, "retry-after") || iequals(name, "retry-after-ms") ||
        iequals(name, "x-ms-retry-after-ms")) {
      return true;
    }
  }
  return false;
}

std::optional<std::string> header_value(const HttpHeaders& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return trim(value);
  }
  return std::nullopt;
}

std::optional<double> number(const std::string& text) {
  if (text.empty() || text.find_first_not_of("0123456789.") != std::string::npos) {
    return std::nullopt;
  }
  try {
    return std::stod(text);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// RFC 7231 IMF-fixdate, "Wed, 21 Oct 2015 07:28:00 GMT".
std::optional<std::chrono::system_clock::time_point> http_date(const std::string& text) {
  std::tm parts{};
  std::istringstream in(text);
  in >> std::get_time(&parts, "%a, %d %b %Y %H:%M:%S GMT");
  if (in.fail()) return std::nullopt;
  return std::chrono::system_clock::from_time_t(timegm(&parts));
}

std::chrono::milliseconds from_seconds(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(seconds * 1000)));
}

}  // namespace

bool arm_should_retry(std::string_view method, const HttpResult& response) {
  if (!response) {
    // A refused connection never reached the service; a timeout or a cut reply may have.
    if (response.error().kind == HttpError::Kind::Refused) return true;
    return response.error().kind != HttpError::Kind::Aborted && idempotent(method);
  }
  if (response->status < 400) return false;
  if (has_retry_after(response->headers)) return true;
  if (!idempotent(method)) {
    return response->status == 500 || response->status == 503 || response->status == 504;
  }
  return retried_status(response->status);
}

std::optional<std::chrono::milliseconds> retry_after(const HttpHeaders& headers,
                                                     std::chrono::system_clock::time_point now) {
  for (const char* name : {"retry-after-ms", "x-ms-retry-after-ms"}) {
    if (auto value = header_value(headers, name)) {
      if (auto ms = number(*value)) return std::min(from_seconds(*ms / 1000), kRetryAfterMax);
    }
  }
  auto value = header_value(headers, "retry-after");
  if (!value) return std::nullopt;
  if (auto seconds = number(*value)) return std::min(from_seconds(*seconds), kRetryAfterMax);
  if (auto date = http_date(*value)) {
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(*date - now);
    return std::clamp(wait, std::chrono::milliseconds(0), kRetryAfterMax);
  }
  return std::nullopt;
}

std::chrono::milliseconds retry_wait(const HttpHeaders& headers, int retry) {
  if (auto asked = retry_after(headers)) return *asked;
  double seconds = kBackoffFactorSeconds * std::pow(2.0, std::clamp(retry - 1, 0, 30));
  return std::min(from_seconds(seconds), kBackoffMax);
}

}  // namespace jobc::azureml
