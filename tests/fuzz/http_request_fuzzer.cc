// Fuzzes the whole HTTP request path: the input's bytes, as a client sends
// them, to a real HTTP port on 127.0.0.1 (the Beast parser and limits, the
// routes, the CDS Hooks handlers over a seeded RocksDB store), then the
// client half-closes and reads until the server closes.
// Properties: whatever the server sends starts with a well-formed HTTP/1.1
// status line; it is never a 500 (a bad request is the client's fault, a
// busy server 503); the server closes the connection once the client has
// finished; and it still answers a plain discovery request afterwards.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "service/server/access_control.h"
#include "service/server/http_edge.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/seeded_cds_hooks.h"

namespace dystonia::fuzz {
namespace {

// The port, started once; tokens off, so every route is reachable.
int HttpPort() {
  static const int port = [] {
    static const AccessControl open_access;
    HttpEdgeOptions options;
    options.listen = "127.0.0.1:0";
    options.limits.request_timeout = absl::Seconds(2);
    auto edge = HttpEdge::Start(options, &SeededCdsHooksService(), &open_access);
    Require(edge.ok(), "the HTTP port starts");
    // Held for the whole run (a global, so the leak checker sees it held).
    static HttpEdge* const running = edge->release();
    return running->port();
  }();
  return port;
}

// libFuzzer's -timeout alarm (SIGALRM every few seconds) interrupts blocking
// socket calls; an interrupted call is retried, never taken for the
// server's doing (it once was: a "connection neither answered nor closed").
constexpr auto kServerPatience = std::chrono::seconds(8);

// Waits until `fd` is ready for `events` or the deadline passes.
bool WaitFor(int fd, short events,
             std::chrono::steady_clock::time_point deadline) {
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd watched{fd, events, 0};
    const int ready = poll(&watched, 1, static_cast<int>(left.count()));
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) return false;
  }
}

void Connect(int fd) {
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(static_cast<uint16_t>(HttpPort()));
  inet_pton(AF_INET, "127.0.0.1", &server.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&server), sizeof(server)) == 0) {
    return;
  }
  int error = errno;
  if (error == EINTR &&
      WaitFor(fd, POLLOUT, std::chrono::steady_clock::now() + kServerPatience)) {
    socklen_t size = sizeof(error);
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size);
  }
  if (error != 0 && error != EISCONN) {
    std::fprintf(stderr, "fuzz: connect: %s\n", std::strerror(error));
    Require(false, "the HTTP port accepts a connection");
  }
}

// Sends `bytes`, half-closes, and returns all the server sent before it
// closed; `closed` is false when it had not closed within kServerPatience.
std::string Exchange(const std::string& bytes, bool* closed) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  Require(fd >= 0, "a socket");
  Connect(fd);
  const auto deadline = std::chrono::steady_clock::now() + kServerPatience;
  size_t sent = 0;
  while (sent < bytes.size() && WaitFor(fd, POLLOUT, deadline)) {
    const ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent,
                           MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) break;  // the server refused early and closed
    sent += static_cast<size_t>(n);
  }
  shutdown(fd, SHUT_WR);
  std::string received;
  char chunk[8192];
  *closed = false;
  while (WaitFor(fd, POLLIN, deadline)) {
    const ssize_t n = recv(fd, chunk, sizeof(chunk), MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno == ECONNRESET)) {
      *closed = true;
      break;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) {
      std::fprintf(stderr, "fuzz: recv: %s\n", std::strerror(errno));
      break;
    }
    received.append(chunk, static_cast<size_t>(n));
  }
  close(fd);
  return received;
}

bool StartsWithStatusLine(const std::string& response) {
  return response.size() >= 12 && response.compare(0, 9, "HTTP/1.1 ") == 0 &&
         std::isdigit(static_cast<unsigned char>(response[9])) &&
         std::isdigit(static_cast<unsigned char>(response[10])) &&
         std::isdigit(static_cast<unsigned char>(response[11]));
}

}  // namespace
}  // namespace dystonia::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dystonia::fuzz;
  bool closed = false;
  const std::string response =
      Exchange(std::string(reinterpret_cast<const char*>(data), size), &closed);
  if (!closed) {
    std::fprintf(stderr, "fuzz: still open after %zu bytes of answer: %.200s\n",
                 response.size(), response.c_str());
  }
  Require(closed, "the server closes once the client has finished");
  if (!response.empty()) {
    Require(StartsWithStatusLine(response), "an answer starts with a status");
    Require(response.compare(9, 3, "500") != 0, "no answer is a 500");
  }
  static int inputs = 0;
  if (++inputs % 256 == 0) {
    const std::string discovery =
        Exchange("GET /cds-services HTTP/1.1\r\nHost: x\r\n\r\n", &closed);
    Require(discovery.compare(0, 12, "HTTP/1.1 200") == 0,
            "the port still answers discovery");
  }
  return 0;
}
