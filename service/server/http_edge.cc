#include "service/server/http_edge.h"

#include <httplib.h>

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace dystonia {
namespace {

void AddCors(httplib::Response& response) {
  response.set_header("Access-Control-Allow-Origin", "*");
  response.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
  response.set_header("Access-Control-Allow-Headers",
                      "Content-Type, Authorization");
}

// The gRPC code closest to an HTTP status, for the metrics.
absl::StatusCode HttpToStatusCode(int status) {
  switch (status) {
    case 200:
    case 204:
      return absl::StatusCode::kOk;
    case 400:
      return absl::StatusCode::kInvalidArgument;
    case 401:
      return absl::StatusCode::kUnauthenticated;
    case 403:
      return absl::StatusCode::kPermissionDenied;
    case 404:
    case 405:
      return absl::StatusCode::kNotFound;
    case 413:
      return absl::StatusCode::kResourceExhausted;
    case 503:
      return absl::StatusCode::kUnavailable;
    default:
      return absl::StatusCode::kInternal;
  }
}

}  // namespace

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
  const std::string host = listen.substr(0, colon);
  std::unique_ptr<HttpEdge> edge(new HttpEdge());
  if (!options.tls_cert.empty()) {
    auto tls = std::make_unique<httplib::SSLServer>(
        options.tls_cert.c_str(), options.tls_key.c_str(),
        options.tls_client_ca.empty() ? nullptr
                                      : options.tls_client_ca.c_str());
    if (!tls->is_valid()) {
      return absl::InvalidArgumentError(
          "--tls_cert/--tls_key/--tls_client_ca: the HTTP port cannot use "
          "them");
    }
    edge->server_ = std::move(tls);
  } else {
    edge->server_ = std::make_unique<httplib::Server>();
  }
  auth::JwtValidator* jwt = options.jwt;
  Metrics* metrics = options.metrics;
  auto handle = [service, access, jwt, metrics](const httplib::Request& request,
                                                httplib::Response& response) {
    auto refuse = [&response](const absl::Status& status) {
      response.status =
          status.code() == absl::StatusCode::kPermissionDenied ? 403 : 401;
      AddCors(response);
      cds_hooks::HttpAnswer answer = cds_hooks::ErrorAnswer(
          response.status, std::string(status.message()));
      response.set_content(answer.json, "application/json");
    };
    if (jwt != nullptr) {
      // CDS Hooks clients authenticate with a signed JWT (the spec's way).
      // The token is a view into the header: keep the header alive.
      const std::string authorization =
          request.get_header_value("Authorization");
      auto token = auth::BearerToken(authorization);
      absl::Status verified = token.ok()
                                  ? jwt->Verify(*token, absl::Now()).status()
                                  : token.status();
      if (!verified.ok()) return refuse(verified);
    } else if (access != nullptr && access->enabled()) {
      auto caller = access->Authorize(request.get_header_value("Authorization"),
                                      Role::kReader);
      if (!caller.ok()) return refuse(caller.status());
    }
    if (request.path == "/metrics" && metrics != nullptr) {
      response.set_content(metrics->PrometheusText(),
                           "text/plain; version=0.0.4");
      return;
    }
    const absl::Time start = absl::Now();
    cds_hooks::HttpAnswer answer =
        service->Handle(request.method, request.path, request.body);
    if (metrics != nullptr) {
      metrics->RecordRequest(Method::kCdsHooks, HttpToStatusCode(answer.status),
                             absl::Now() - start);
    }
    response.status = answer.status;
    AddCors(response);
    response.set_content(answer.json, "application/json");
  };
  edge->server_->Get(R"(/.*)", handle);
  edge->server_->Post(R"(/.*)", handle);
  edge->server_->Options(
      R"(/.*)", [](const httplib::Request&, httplib::Response& response) {
        AddCors(response);
        response.status = 204;
      });
  // A request body larger than this is refused before it is read.
  edge->server_->set_payload_max_length(options.max_request_bytes);
  // The HTTP library's own refusals (413, 400 for a malformed request line,
  // 404) get the same JSON body and CORS headers as ours.
  edge->server_->set_error_handler(
      [](const httplib::Request&, httplib::Response& response) {
        if (!response.body.empty()) return;
        AddCors(response);
        const char* reason = response.status == 413   ? "the body is too large"
                             : response.status == 404 ? "not found"
                                                      : "bad request";
        response.set_content(
            cds_hooks::ErrorAnswer(response.status, reason).json,
            "application/json");
      });
  if (port == 0) {
    edge->port_ = edge->server_->bind_to_any_port(host);
  } else if (edge->server_->bind_to_port(host, port)) {
    edge->port_ = port;
  } else {
    edge->port_ = -1;
  }
  if (edge->port_ <= 0) {
    return absl::UnavailableError(
        absl::StrCat("--http_listen: cannot bind ", listen));
  }
  httplib::Server* server = edge->server_.get();
  edge->thread_ = std::thread([server] { server->listen_after_bind(); });
  return edge;
}

HttpEdge::~HttpEdge() {
  if (server_ != nullptr) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace dystonia
