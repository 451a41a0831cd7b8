#include "service/server/http_edge.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "service/cds_hooks/json_value.h"
#include "service/server/http_status.h"

namespace dystonia {
namespace {

using cds_hooks::json::Value;

// CDS Hooks service ids: letters, digits and dashes.
constexpr char kServicePath[] = R"(/cds-services/([A-Za-z0-9._-]+)/?)";
constexpr char kFeedbackPath[] =
    R"(/cds-services/([A-Za-z0-9._-]+)/feedback/?)";
constexpr char kDiscoveryPath[] = R"(/cds-services/?)";
constexpr char kMetricsPath[] = "/metrics";

void AddCors(httplib::Response& response) {
  response.set_header("Access-Control-Allow-Origin", "*");
  response.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
  response.set_header("Access-Control-Allow-Headers",
                      "Content-Type, Authorization");
}

// {"error": message}, with CORS, as every refusal of this port is written.
void SetError(int http_status, absl::string_view message,
              httplib::Response& response) {
  Value body;
  cds_hooks::json::Put(&body, "error", std::string(message));
  response.status = http_status;
  AddCors(response);
  absl::StatusOr<std::string> text = cds_hooks::json::Print(body);
  response.set_content(text.ok() ? *text : std::string(R"({"error":"error"})"),
                       "application/json");
}

void SetAnswer(const absl::StatusOr<Value>& answer,
               httplib::Response& response) {
  if (!answer.ok()) {
    return SetError(HttpStatusOf(answer.status().code()),
                    answer.status().message(), response);
  }
  absl::StatusOr<std::string> text = cds_hooks::json::Print(*answer);
  if (!text.ok()) {
    return SetError(HttpStatusOf(text.status().code()),
                    text.status().message(), response);
  }
  response.status = 200;
  AddCors(response);
  response.set_content(*text, "application/json");
}

// Who may call: the CDS Hooks routes take the EHR's signed JWT when one is
// configured (the specification's way), else a reader token; /metrics
// always takes a reader token (a Prometheus scraper has no EHR JWT).
class Gate {
 public:
  Gate(auth::JwtValidator* jwt, const AccessControl* access)
      : jwt_(jwt), access_(access) {}

  absl::Status AdmitCdsClient(const httplib::Request& request) const {
    if (jwt_ == nullptr) return AdmitReader(request);
    // The token is a view into the header: keep the header alive.
    const std::string authorization = request.get_header_value("Authorization");
    auto token = auth::BearerToken(authorization);
    if (!token.ok()) return token.status();
    return jwt_->Verify(*token, absl::Now()).status();
  }

  absl::Status AdmitReader(const httplib::Request& request) const {
    if (access_ == nullptr || !access_->enabled()) return absl::OkStatus();
    return access_
        ->Authorize(request.get_header_value("Authorization"), Role::kReader)
        .status();
  }

 private:
  auth::JwtValidator* jwt_;
  const AccessControl* access_;
};

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
  const Gate gate(options.jwt, access);
  Metrics* metrics = options.metrics;
  // A CDS Hooks operation behind the gate, counted in the metrics.
  auto cds_route = [gate, metrics](auto operation) {
    return [gate, metrics, operation](const httplib::Request& request,
                                      httplib::Response& response) {
      absl::Status admitted = gate.AdmitCdsClient(request);
      if (!admitted.ok()) {
        return SetError(HttpStatusOf(admitted.code()), admitted.message(),
                        response);
      }
      const absl::Time start = absl::Now();
      const absl::StatusOr<Value> answer = operation(request);
      if (metrics != nullptr) {
        metrics->RecordRequest(Method::kCdsHooks, answer.status().code(),
                               absl::Now() - start);
      }
      SetAnswer(answer, response);
    };
  };
  httplib::Server& server = *edge->server_;
  server.Get(kDiscoveryPath, cds_route([service](const httplib::Request&) {
               return absl::StatusOr<Value>(service->Discovery());
             }));
  server.Post(kFeedbackPath,
              cds_route([service](const httplib::Request& request) {
                return service->Feedback(request.matches[1], request.body);
              }));
  server.Post(kServicePath, cds_route([service](const httplib::Request& request) {
                return service->Hook(request.matches[1], request.body);
              }));
  server.Get(kMetricsPath, [gate, metrics](const httplib::Request& request,
                                           httplib::Response& response) {
    absl::Status admitted = gate.AdmitReader(request);
    if (!admitted.ok()) {
      return SetError(HttpStatusOf(admitted.code()), admitted.message(),
                      response);
    }
    if (metrics == nullptr) return SetError(404, "no metrics here", response);
    response.set_content(metrics->PrometheusText(), "text/plain; version=0.0.4");
  });
  // The right path with the wrong method.
  auto wrong_method = [](const char* allowed) {
    return [allowed](const httplib::Request&, httplib::Response& response) {
      SetError(405, absl::StrCat("use ", allowed), response);
      response.set_header("Allow", allowed);
    };
  };
  server.Post(kDiscoveryPath, wrong_method("GET"));
  server.Get(kServicePath, wrong_method("POST"));
  server.Get(kFeedbackPath, wrong_method("POST"));
  server.Options(R"(/.*)",
                 [](const httplib::Request&, httplib::Response& response) {
                   AddCors(response);
                   response.status = 204;
                 });
  // A request body larger than this is refused before it is read.
  server.set_payload_max_length(options.max_request_bytes);
  // The headers and body of an answer go out as separate writes: without
  // TCP_NODELAY, Nagle's algorithm holds the second until the client's
  // delayed ACK (~40 ms) on every request after the first of a keep-alive
  // connection, the way EHRs call.
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(
      static_cast<size_t>(std::max(1, options.keep_alive_max_requests)));
  const size_t worker_threads =
      static_cast<size_t>(std::max(1, options.worker_threads));
  server.new_task_queue = [worker_threads] {
    return new httplib::ThreadPool(worker_threads);
  };
  // Everything else (no route: 404) and the HTTP library's own refusals
  // (413, 400 for a malformed request) get the same JSON body and CORS
  // headers as ours.
  server.set_error_handler(
      [](const httplib::Request&, httplib::Response& response) {
        if (!response.body.empty()) return;
        SetError(response.status,
                 response.status == 413   ? "the body is too large"
                 : response.status == 404 ? "not found"
                                          : "bad request",
                 response);
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
  edge->thread_ = std::thread([&server, &loop_ended = edge->loop_ended_] {
    server.listen_after_bind();
    loop_ended = true;
  });
  // cpp-httplib's stop() does nothing until its loop has marked itself
  // running, so an edge destroyed right after it started would wait on that
  // loop for ever. Returning only once it runs (or has already ended) makes
  // every later stop() take effect.
  while (!server.is_running() && !edge->loop_ended_) {
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  return edge;
}

HttpEdge::~HttpEdge() {
  if (server_ != nullptr) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace dystonia
