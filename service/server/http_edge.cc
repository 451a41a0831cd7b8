#include "service/server/http_edge.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "service/server/listen_address.h"

namespace dystonia {

HttpEdge::HttpEdge(const HttpEdgeOptions& options,
                   const cds_hooks::CdsHooksService* service,
                   const AccessControl* access)
    : site_(options.knowledge == nullptr
                ? nullptr
                : std::make_unique<KnowledgeSiteRoutes>(options.knowledge,
                                                        options.store)),
      routes_(service, access, options.jwt, options.metrics, options.knowledge,
              site_.get()) {}

absl::StatusOr<std::unique_ptr<HttpEdge>> HttpEdge::Start(
    const HttpEdgeOptions& options, const cds_hooks::CdsHooksService* service,
    const AccessControl* access) {
  absl::StatusOr<ListenAddress> address = ParseListenAddress(options.listen);
  if (!address.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--http_listen: ", address.status().message()));
  }
  // The listener binds an IP address: "localhost" is the IPv4 loopback, and
  // ":PORT" every IPv4 interface.
  const std::string host = address->host == "localhost" ? "127.0.0.1"
                           : address->host.empty()      ? "0.0.0.0"
                                                        : address->host;

  HttpListenerOptions transport = options.limits;
  transport.host = host;
  transport.port = address->port;
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
