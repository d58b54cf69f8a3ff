// URLs of blobs: the blob service's URL (blob_service_url, declared in blob_client.h), a
// blob's URL with its name percent-encoded segment by segment, and a URL fit for a message
// (no query: a SAS signature is a secret).
#pragma once

#include <string>
#include <string_view>

#include "backends/azureml/storage/blob_client.h"

namespace jobc::azureml {

// "a b/c#d.txt" -> "a%20b/c%23d.txt": each '/'-separated segment encoded on its own.
std::string encode_blob_name(std::string_view blob);

// SERVICE/CONTAINER/ENCODED-BLOB (no blob: the container's URL).
std::string blob_url(std::string_view service_url, std::string_view container,
                     std::string_view blob);

// Whether `host` ("127.0.0.1:10000", "[::1]", "localhost") is an IP address or localhost.
bool is_ip_or_localhost(std::string_view host);
// Whether `host` is a loopback address (127.0.0.0/8, ::1, localhost), port or not.
bool is_loopback_host(std::string_view host);

// Ok for https, and for http only to a loopback host; else why not.
Status check_url_scheme(std::string_view url);

// `url` without its query string, for messages.
std::string url_for_messages(std::string_view url);

}  // namespace jobc::azureml
