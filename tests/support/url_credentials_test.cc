// Which URLs carry credentials that diagnostics must mask (user:password@, a query).
#include <doctest/doctest.h>

#include "support/url_download.h"

TEST_SUITE("support") {
  TEST_CASE("a URL with user information or a query carries credentials") {
    CHECK(jobc::url_carries_credentials("https://u:p@example.com/x"));
    CHECK(jobc::url_carries_credentials("wasbs://c@acct.blob.core.windows.net/x"));
    CHECK(jobc::url_carries_credentials("https://acct.blob.core.windows.net/c/x?sig=abc"));
  }

  TEST_CASE("plain URLs, paths and asset references carry none") {
    CHECK_FALSE(jobc::url_carries_credentials("https://example.com/data/x.csv"));
    CHECK_FALSE(jobc::url_carries_credentials("./data?/x"));
    CHECK_FALSE(jobc::url_carries_credentials("azureml:training-data:3"));
    CHECK_FALSE(jobc::url_carries_credentials("azureml://datastores/main/paths/x.csv"));
    CHECK_FALSE(jobc::url_carries_credentials("echo a://b@c"));
    CHECK_FALSE(jobc::url_carries_credentials("://x@y"));
  }
}
