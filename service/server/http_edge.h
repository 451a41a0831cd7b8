#ifndef DYSTONIA_SERVICE_SERVER_HTTP_EDGE_H_
#define DYSTONIA_SERVICE_SERVER_HTTP_EDGE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "drug_db/drug_store.h"
#include "service/auth/jwt_validator.h"
#include "service/cds_hooks/cds_hooks.h"
#include "service/server/access_control.h"
#include "service/server/http_listener.h"
#include "service/server/http_routes.h"
#include "service/server/knowledge_site_routes.h"
#include "service/server/metrics.h"

namespace dystonia {

struct HttpEdgeOptions {
  // "host:port" (host an IP address; [v6] in brackets); port 0 picks a free
  // one. Required.
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
  // Serves the /v1/ JSON API (the RiskService methods) and the knowledge
  // browser at /kb/ for the version it holds. Default: none (/v1/ answers
  // 503, /kb/ is not found).
  const KnowledgeHolder* knowledge = nullptr;
  // The store behind `knowledge`, for the knowledge browser's changes page
  // (the serving version against the stored one before it). Default: none.
  const DrugStore* store = nullptr;
  // Larger bodies are refused (413), whatever their transfer encoding.
  // Default: 4 MiB.
  int max_request_bytes = 4 << 20;
  // Threads running handlers (a hook call may wait on a FHIR server, so
  // more than cores). Default: 32.
  int worker_threads = 32;
  // Requests served on one keep-alive connection before the server closes
  // it. Default: 1000.
  int keep_alive_max_requests = 1000;
  // The transport's other limits (connections, header size, timeouts); see
  // HttpListenerOptions for each and its default. Its host, port, TLS files
  // and the three fields above are set from this struct.
  HttpListenerOptions limits;
};

// The HTTP/JSON port: the routes (HttpRoutes) on the transport
// (HttpListener). Every limit of the transport applies before a route runs,
// and the caller is admitted on the request's headers before any body is
// read.
class HttpEdge {
 public:
  // Binds and starts serving. kUnavailable when the address cannot be
  // bound; kInvalidArgument for a bad address or TLS files.
  static absl::StatusOr<std::unique_ptr<HttpEdge>> Start(
      const HttpEdgeOptions& options, const cds_hooks::CdsHooksService* service,
      const AccessControl* access);

  // Stops serving and joins its threads.
  ~HttpEdge();

  int port() const;

 private:
  HttpEdge(const HttpEdgeOptions& options,
           const cds_hooks::CdsHooksService* service,
           const AccessControl* access);

  std::unique_ptr<KnowledgeSiteRoutes> site_;  // before routes_, which uses it
  HttpRoutes routes_;
  std::unique_ptr<HttpListener> listener_;
};

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_SERVER_HTTP_EDGE_H_
