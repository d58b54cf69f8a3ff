// `jobc-server track`: the MLflow tracking endpoint of one job. Its monitor starts it with a
// pipe on stdin carrying one JSON line ({"home", "host", "token", "runs": [...], and
// "unix_socket" to listen there too}): the token never appears in arguments, the environment
// or a file. It listens on `host` at a port the system picks, answers {"port": N} on stdout,
// and serves until stdin closes (the monitor ended, kill -9 included).
#pragma once

#include <iosfwd>

namespace jobc {

int tracking_server_main(std::istream& in, std::ostream& out);

}  // namespace jobc
