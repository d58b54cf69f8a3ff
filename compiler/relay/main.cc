// jobc-relay PORT SOCKET: inside a job's container (network none), accepts TCP connections on
// 127.0.0.1:PORT and carries each, both ways, to the unix socket SOCKET, where the run's MLflow
// tracking endpoint (jobc-server track, outside the container) listens. The job reaches that
// one endpoint and nothing else. Linked statically: it runs in whatever image the job uses.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

namespace {

int connect_unix(const std::string& path) {
  sockaddr_un address{};
  if (path.size() >= sizeof address.sun_path) return -1;
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Copies bytes both ways until either side closes.
void carry(int client, std::string socket_path) {
  int server = connect_unix(socket_path);
  if (server < 0) {
    close(client);
    return;
  }
  pollfd ends[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
  char buffer[65536];
  bool open = true;
  while (open && poll(ends, 2, -1) > 0) {
    for (int i = 0; i < 2 && open; ++i) {
      if (!(ends[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t got = read(ends[i].fd, buffer, sizeof buffer);
      if (got <= 0) {
        open = false;
        break;
      }
      for (ssize_t done = 0; done < got;) {
        ssize_t wrote = write(ends[1 - i].fd, buffer + done, static_cast<size_t>(got - done));
        if (wrote < 0 && errno == EINTR) continue;
        if (wrote <= 0) {
          open = false;
          break;
        }
        done += wrote;
      }
    }
  }
  close(client);
  close(server);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: jobc-relay PORT SOCKET (started in a job's container by jobc)\n");
    return 2;
  }
  int port = std::atoi(argv[1]);
  std::string socket_path = argv[2];
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int yes = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (listener < 0 || bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(listener, 64) != 0) {
    std::fprintf(stderr, "jobc-relay: cannot listen on 127.0.0.1:%d: %s\n", port,
                 std::strerror(errno));
    return 1;
  }
  for (;;) {
    int client = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return 1;
    }
    // The server's reply arrives in pieces (headers, then body), each written on at once: with
    // Nagle's algorithm a piece would wait ~40 ms for the job's delayed ACK of the one before.
    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    std::thread(carry, client, socket_path).detach();
  }
}
