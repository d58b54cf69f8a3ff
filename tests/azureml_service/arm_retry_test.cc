// Which ARM replies are retried and how long jobc waits first (azure-core's RetryPolicy).
#include "backends/azureml/service/arm_retry.h"

#include <doctest/doctest.h>

namespace jobc::azureml {
namespace {

using std::chrono::milliseconds;

HttpResponse reply(long status, HttpHeaders headers = {}) {
  HttpResponse response;
  response.status = status;
  response.headers = std::move(headers);
  return response;
}

HttpResult transport_failure(HttpError::Kind failure) {
  HttpResult response = HttpError("https://management.azure.com/x: failed", failure);
  return response;
}

}  // namespace

TEST_SUITE("azureml") {
  TEST_CASE("GET, PUT and DELETE are retried on 408, 429, 500, 502-504 and 506 up") {
    for (const char* method : {"GET", "PUT", "DELETE", "HEAD"}) {
      for (long status : {408L, 429L, 500L, 502L, 503L, 504L, 506L, 599L}) {
        CHECK_MESSAGE(arm_should_retry(method, reply(status)), method << " " << status);
      }
      for (long status : {200L, 400L, 401L, 404L, 409L, 501L, 505L}) {
        CHECK_MESSAGE(!arm_should_retry(method, reply(status)), method << " " << status);
      }
    }
  }

  TEST_CASE("POST and PATCH are retried only on 500, 503 and 504") {
    for (const char* method : {"POST", "PATCH"}) {
      for (long status : {500L, 503L, 504L}) CHECK(arm_should_retry(method, reply(status)));
      for (long status : {408L, 429L, 502L, 506L})
        CHECK_FALSE(arm_should_retry(method, reply(status)));
    }
  }

  TEST_CASE("any failed status with a retry-after header is retried, whatever the method") {
    CHECK(arm_should_retry("POST", reply(429, {{"Retry-After", "3"}})));
    CHECK(arm_should_retry("POST", reply(409, {{"x-ms-retry-after-ms", "10"}})));
    CHECK(arm_should_retry("PUT", reply(400, {{"retry-after-ms", "10"}})));
    CHECK_FALSE(arm_should_retry("GET", reply(202, {{"Retry-After", "1"}})));
  }

  TEST_CASE("a refused connection is retried for any method, a timeout only when idempotent") {
    CHECK(arm_should_retry("POST", transport_failure(HttpError::Kind::Refused)));
    CHECK(arm_should_retry("GET", transport_failure(HttpError::Kind::Timeout)));
    CHECK_FALSE(arm_should_retry("POST", transport_failure(HttpError::Kind::Timeout)));
    CHECK_FALSE(arm_should_retry("GET", transport_failure(HttpError::Kind::Aborted)));
  }

  TEST_CASE("the wait comes from retry-after-ms, x-ms-retry-after-ms, then Retry-After") {
    CHECK(retry_after({{"Retry-After", "2"}}) == milliseconds(2000));
    CHECK(retry_after({{"retry-after", "0.5"}}) == milliseconds(500));
    CHECK(retry_after({{"Retry-After-Ms", "1500"}}) == milliseconds(1500));
    CHECK(retry_after({{"x-ms-retry-after-ms", "250"}}) == milliseconds(250));
    CHECK(retry_after({{"Retry-After", "9"}, {"retry-after-ms", "100"}}) == milliseconds(100));
    CHECK_FALSE(retry_after({{"Retry-After", "soon"}}).has_value());
    CHECK_FALSE(retry_after({}).has_value());
  }

  TEST_CASE("a Retry-After date is waited for until then, and never below zero") {
    auto now = std::chrono::system_clock::from_time_t(1445412470);  // 2015-10-21 07:27:50 UTC
    CHECK(retry_after({{"Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"}}, now) ==
          milliseconds(10000));
    CHECK(retry_after({{"Retry-After", "Wed, 21 Oct 2015 07:00:00 GMT"}}, now) == milliseconds(0));
  }

  TEST_CASE("without a header the wait is 0.8 s doubled per retry, at most 120 s") {
    CHECK(retry_wait({}, 1) == milliseconds(800));
    CHECK(retry_wait({}, 2) == milliseconds(1600));
    CHECK(retry_wait({}, 3) == milliseconds(3200));
    CHECK(retry_wait({}, 8) == milliseconds(102400));
    CHECK(retry_wait({}, 9) == milliseconds(120000));
    CHECK(retry_wait({}, 100) == milliseconds(120000));
    CHECK(retry_wait({{"Retry-After", "7"}}, 5) == milliseconds(7000));
  }

  TEST_CASE("a Retry-After of hours is cut to ten minutes") {
    CHECK(retry_after({{"Retry-After", "36000"}}) == milliseconds(600000));
  }
}

}  // namespace jobc::azureml
