#ifndef DYSTONIA_SERVICE_SERVER_HTTP_LISTENER_H_
#define DYSTONIA_SERVICE_SERVER_HTTP_LISTENER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "service/server/http_routes.h"

namespace dystonia {

// Every limit of the HTTP transport. Each bounds what one client, or all of
// them together, can make the server hold or do; the defaults are what an
// EHR calling order-sign needs with room to spare.
struct HttpListenerOptions {
  std::string host;  // an address to bind, e.g. "127.0.0.1" or "0.0.0.0"
  int port = 0;      // 0 picks a free one
  // PEM files; empty tls_cert for plaintext. With tls_client_ca, clients
  // must present a certificate it signed (mutual TLS).
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;

  // A body over this is refused with 413, whatever its transfer encoding
  // (Content-Length, chunked), before it is held in memory.
  int64_t max_body_bytes = 4 << 20;
  // Bodies held at once across all connections; beyond it, 503.
  int64_t max_buffered_body_bytes = 64 << 20;
  // The request line and headers together, and how many header fields:
  // beyond either, 431.
  int max_header_bytes = 32 << 10;
  int max_headers = 100;
  // From a request's first byte to its last: a client that sends slowly
  // (slowloris) is cut off here.
  absl::Duration request_timeout = absl::Seconds(10);
  // How long a kept-alive connection may wait for its next request.
  absl::Duration idle_timeout = absl::Seconds(30);
  // A handler's time budget: past it the caller gets 503 and the
  // connection is closed; the handler's result is discarded.
  absl::Duration handler_timeout = absl::Seconds(15);
  // Writing one answer.
  absl::Duration write_timeout = absl::Seconds(10);
  // Connections held open, in total and from one client address; beyond
  // either, a new connection is closed as soon as it is accepted.
  int max_connections = 512;
  int max_connections_per_client = 64;
  // Threads reading and writing connections (they never run handlers).
  int network_threads = 2;
  // Threads running handlers, and how many handlers may wait for one.
  int handler_threads = 32;
  int max_queued_handlers = 256;
  // Requests served on one kept-alive connection before it is closed.
  int keep_alive_max_requests = 1000;
  // On shutdown, requests already being answered get this long.
  absl::Duration shutdown_grace = absl::Seconds(2);
};

// The HTTP/1.1 transport of the HTTP port, on Boost.Beast: accepts
// connections (TLS when configured), reads each request's head within its
// limits, asks the router what to do before reading any body, reads the
// body within its limits, runs the handler on a bounded pool and writes the
// answer. It knows nothing of the routes.
class HttpListener {
 public:
  using Router = std::function<HttpRouteDecision(const HttpRequestHead&)>;

  // Binds and starts serving. kUnavailable when the address cannot be
  // bound; kInvalidArgument for a bad address or unusable TLS files.
  static absl::StatusOr<std::unique_ptr<HttpListener>> Start(
      const HttpListenerOptions& options, Router router);

  // Stops accepting, lets requests being answered finish within
  // shutdown_grace, then closes every connection and joins the threads.
  // Never waits on a handler beyond its own bounds.
  ~HttpListener();

  int port() const;
  // Connections open now (for tests and metrics).
  int open_connections() const;

  class Impl;

 private:
  explicit HttpListener(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_SERVER_HTTP_LISTENER_H_
