// Which URLs jobc may send Azure requests (and bearer tokens) to: https, or plain http only to
// a loopback address (the test fakes, a local proxy). Also declared in arm_client.h.
#pragma once

#include <string>
#include <string_view>

#include "jobc/result.h"

namespace jobc::azureml {

// Whether `url` may be used: https, or http to 127.0.0.0/8, ::1 or localhost.
Status check_url_transport(std::string_view url);

// The host of an http(s) URL, without user info, port or IPv6 brackets ("" when none).
std::string url_host(std::string_view url);

// `url` without its query and fragment: what messages show (a query may hold a SAS signature).
std::string url_without_query(std::string_view url);

}  // namespace jobc::azureml
