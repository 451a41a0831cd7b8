#ifndef DYSTONIA_TESTS_TESTING_RAW_HTTP_H_
#define DYSTONIA_TESTS_TESTING_RAW_HTTP_H_

#include <string>

namespace dystonia::testing {

// A TCP connection to a loopback HTTP port that sends exactly the bytes it
// is given: for requests no well-behaved HTTP client would send (slow,
// oversized, smuggled). Every read and write gives up after 15 s, so a test
// cannot hang on a server that does not answer.
class RawHttpConnection {
 public:
  // Connects from `from_address` (any 127.x.y.z address is loopback on
  // Linux; a different one is a different client to per-client limits).
  RawHttpConnection(int port, const std::string& from_address = "127.0.0.1");
  ~RawHttpConnection();
  RawHttpConnection(const RawHttpConnection&) = delete;
  RawHttpConnection& operator=(const RawHttpConnection&) = delete;

  bool connected() const { return fd_ >= 0; }

  // False once the server has closed or reset the connection.
  bool Send(const std::string& bytes);

  // One response: its head and, by Content-Length, its body ("" when the
  // connection ends or times out first).
  std::string ReadResponse();

  // True when the server has closed the connection (a read returns end of
  // stream or a reset) within 15 s; what it sent first is dropped.
  bool ClosedByServer();

 private:
  int fd_ = -1;
  std::string pending_;
};

// The status code of a response ("HTTP/1.1 401 ..." gives 401), or 0.
int StatusCodeOf(const std::string& response);

// The body of a response (after the blank line).
std::string BodyOf(const std::string& response);

// A complete HTTP/1.1 request with Content-Length.
std::string HttpRequest(const std::string& method, const std::string& path,
                        const std::string& body,
                        const std::string& extra_headers = "");

}  // namespace dystonia::testing

#endif  // DYSTONIA_TESTS_TESTING_RAW_HTTP_H_
