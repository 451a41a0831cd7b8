#include "tests/testing/raw_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace dystonia::testing {
namespace {

constexpr int kTimeoutSeconds = 15;

}  // namespace

RawHttpConnection::RawHttpConnection(int port,
                                     const std::string& from_address) {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) return;
  timeval timeout{kTimeoutSeconds, 0};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  const int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  sockaddr_in local{};
  local.sin_family = AF_INET;
  inet_pton(AF_INET, from_address.c_str(), &local.sin_addr);
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &server.sin_addr);
  if (bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0 ||
      connect(fd_, reinterpret_cast<sockaddr*>(&server), sizeof(server)) !=
          0) {
    close(fd_);
    fd_ = -1;
  }
}

RawHttpConnection::~RawHttpConnection() {
  if (fd_ >= 0) close(fd_);
}

bool RawHttpConnection::Send(const std::string& bytes) {
  size_t sent = 0;
  while (fd_ >= 0 && sent < bytes.size()) {
    const ssize_t n =
        send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return fd_ >= 0;
}

std::string RawHttpConnection::ReadResponse() {
  std::string& data = pending_;
  char chunk[16384];
  size_t head_end = std::string::npos;
  size_t wanted = std::string::npos;
  while (fd_ >= 0) {
    if (head_end == std::string::npos) {
      head_end = data.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        wanted = head_end + 4;
        for (absl::string_view line :
             absl::StrSplit(absl::string_view(data).substr(0, head_end),
                            "\r\n")) {
          const size_t colon = line.find(':');
          if (colon == absl::string_view::npos) continue;
          if (absl::EqualsIgnoreCase(line.substr(0, colon), "content-length")) {
            size_t length = 0;
            if (absl::SimpleAtoi(
                    absl::StripAsciiWhitespace(line.substr(colon + 1)),
                    &length)) {
              wanted += length;
            }
          }
        }
      }
    }
    if (wanted != std::string::npos && data.size() >= wanted) {
      std::string response = data.substr(0, wanted);
      data.erase(0, wanted);
      return response;
    }
    const ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) break;
    data.append(chunk, static_cast<size_t>(n));
  }
  std::string partial;
  partial.swap(data);
  return wanted == std::string::npos ? std::string() : partial;
}

bool RawHttpConnection::ClosedByServer() {
  char chunk[16384];
  while (fd_ >= 0) {
    const ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
    if (n == 0) return true;
    if (n < 0) return errno == ECONNRESET;
  }
  return false;
}

int StatusCodeOf(const std::string& response) {
  // "HTTP/1.1 200 OK"
  if (response.size() < 12 || response.compare(0, 5, "HTTP/") != 0) return 0;
  int code = 0;
  return absl::SimpleAtoi(response.substr(9, 3), &code) ? code : 0;
}

std::string BodyOf(const std::string& response) {
  const size_t head_end = response.find("\r\n\r\n");
  return head_end == std::string::npos ? "" : response.substr(head_end + 4);
}

std::string HttpRequest(const std::string& method, const std::string& path,
                        const std::string& body,
                        const std::string& extra_headers) {
  return absl::StrCat(method, " ", path, " HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                      extra_headers, "Content-Type: application/json\r\n",
                      "Content-Length: ", body.size(), "\r\n\r\n", body);
}

}  // namespace dystonia::testing
