#include "service/server/http_edge.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace dystonia {

HttpEdge::HttpEdge(const HttpEdgeOptions& options,
                   const cds_hooks::CdsHooksService* service,
                   const AccessControl* access)
    : routes_(service, access, options.jwt, options.metrics) {}

absl::StatusOr<std::unique_ptr<HttpEdge>> HttpEdge::Start(
    const HttpEdgeOptions& options, const cds_hooks::CdsHooksService* service,
    const AccessControl* access) {
  const std::string& listen = options.listen;
  const size_t colon = listen.rfind(':');
  int port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(listen.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--http_listen: '", listen, "' is not host:port"));
  }
  absl::string_view host = absl::string_view(listen).substr(0, colon);
  // "[::1]:8080": the brackets are the URL's, not the address's.
  if (absl::ConsumePrefix(&host, "[")) absl::ConsumeSuffix(&host, "]");
  if (host == "localhost") host = "127.0.0.1";

  HttpListenerOptions transport = options.limits;
  transport.host = std::string(host);
  transport.port = port;
  transport.tls_cert = options.tls_cert;
  transport.tls_key = options.tls_key;
  transport.tls_client_ca = options.tls_client_ca;
  transport.max_body_bytes = options.max_request_bytes;
  transport.handler_threads = options.worker_threads;
  transport.keep_alive_max_requests = options.keep_alive_max_requests;

  std::unique_ptr<HttpEdge> edge(new HttpEdge(options, service, access));
  const HttpRoutes* routes = &edge->routes_;
  auto listener = HttpListener::Start(
      transport,
      [routes](const HttpRequestHead& head) { return routes->Route(head); });
  if (!listener.ok()) return listener.status();
  edge->listener_ = *std::move(listener);
  return edge;
}

HttpEdge::~HttpEdge() = default;

int HttpEdge::port() const { return listener_->port(); }

}  // namespace dystonia
