// Azure Storage's SharedKey authorization (x-ms-version 2021-12-02): the string to sign from
// a request's method, standard headers, x-ms-* headers and canonicalized resource, signed with
// HMAC-SHA256 under the account key. Path-style URLs (Azurite) sign their path as sent,
// account segment included: "/ACCOUNT/ACCOUNT/container/blob".
#pragma once

#include <string>
#include <string_view>

#include "jobc/result.h"
#include "support/http_client.h"

namespace jobc::azureml {

inline constexpr std::string_view kStorageApiVersion = "2021-12-02";

// The string to sign for `request` (its url, method and headers; the Content-Length line from
// its body or body_size, empty when zero) as account `account`.
std::string shared_key_string_to_sign(const HttpRequest& request, std::string_view account);

// HMAC-SHA256 of `text` under the base64 key `key_base64`, base64; an error (naming no part of
// the key) when the key is not base64.
Result<std::string> shared_key_signature(std::string_view text, std::string_view key_base64);

// Adds `Authorization: SharedKey ACCOUNT:SIGNATURE` to `request`, whose x-ms-date and
// x-ms-version headers are already set.
Status sign_shared_key(HttpRequest& request, std::string_view account, std::string_view key_base64);

// The current time as an HTTP date ("Mon, 30 Nov 2026 20:12:52 GMT") for x-ms-date.
std::string http_date_now();

}  // namespace jobc::azureml
