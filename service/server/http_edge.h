#ifndef DYSTONIA_SERVICE_SERVER_HTTP_EDGE_H_
#define DYSTONIA_SERVICE_SERVER_HTTP_EDGE_H_

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "service/auth/jwt_validator.h"
#include "service/cds_hooks/cds_hooks.h"
#include "service/server/access_control.h"
#include "service/server/metrics.h"

namespace httplib {
class Server;
}

namespace dystonia {

struct HttpEdgeOptions {
  // "host:port"; port 0 picks a free one. Required.
  std::string listen;
  // PEM files as for the gRPC port; empty for plaintext. Default: "".
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;
  // Validates the EHR's JWT on every CDS Hooks request instead of bearer
  // tokens when set. Default: none.
  auth::JwtValidator* jwt = nullptr;
  // Counts CDS Hooks calls and serves GET /metrics. Default: none.
  Metrics* metrics = nullptr;
  // Larger bodies are refused (413). Default: 4 MiB.
  int max_request_bytes = 4 << 20;
  // Worker threads. The HTTP library gives each open connection a thread
  // for as long as it stays open, so this is also how many keep-alive
  // connections (EHRs keep theirs open) are served at once; more wait.
  // Default: 32.
  int worker_threads = 32;
  // Requests served on one keep-alive connection before the server closes
  // it. The library's default of 5 made an EHR reconnect every fifth call.
  // Default: 1000.
  int keep_alive_max_requests = 1000;
};

// The HTTP/JSON port, served by cpp-httplib on its own threads. It alone
// owns the routes, who may call each, and how a status becomes an HTTP
// answer:
//   GET  /cds-services                  discovery
//   POST /cds-services/{id}             a hook call (cards)
//   POST /cds-services/{id}/feedback    feedback on cards
//   GET  /metrics                       Prometheus text
// CDS Hooks routes take the EHR's JWT when one is configured, else a reader
// token ("Authorization: Bearer TOKEN") when tokens are; /metrics takes a
// reader token. Every answer carries the CORS headers EHR front ends need,
// every refusal a JSON {"error": ...}; CORS preflights need no token.
class HttpEdge {
 public:
  // Binds and starts serving. kUnavailable when the address cannot be
  // bound; kInvalidArgument for a bad address or TLS files.
  static absl::StatusOr<std::unique_ptr<HttpEdge>> Start(
      const HttpEdgeOptions& options, const cds_hooks::CdsHooksService* service,
      const AccessControl* access);

  // Stops serving and joins its threads.
  ~HttpEdge();

  int port() const { return port_; }

 private:
  HttpEdge() = default;

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  // Set by the serving thread when the library's loop returns.
  std::atomic<bool> loop_ended_{false};
  int port_ = 0;
};

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_SERVER_HTTP_EDGE_H_
