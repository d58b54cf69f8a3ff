// The address of this machine that another machine reaches it by: the local side of a route
// to that machine (a UDP "connection" sends nothing; it only picks the route).
#pragma once

#include <string>

#include "jobc/result.h"

namespace jobc {

// This machine's address on the route to the host of `url` (http://host:port/...), as text:
// 127.0.0.1 when that host is this machine's loopback.
Result<std::string> local_address_toward(const std::string& url);

}  // namespace jobc
