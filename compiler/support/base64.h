// Base64 (standard, padded) and its URL-safe variant, through OpenSSL's EVP_EncodeBlock: the
// registry credentials of the Docker backend, Azure Storage's keys and Content-MD5 headers.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace jobc {

std::string base64_encode(std::string_view bytes);
std::string base64url_encode(std::string_view bytes);
// Accepts both alphabets, padded or not; nullopt when `text` is not base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace jobc
