#include "service/server/http_routes.h"

#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "service/cds_hooks/json_value.h"
#include "service/server/http_status.h"
#include "service/server/json_api_routes.h"
#include "service/server/knowledge_site_routes.h"

namespace dystonia {

void AddCors(HttpAnswer& answer) {
  answer.headers.emplace_back("Access-Control-Allow-Origin", "*");
  answer.headers.emplace_back("Access-Control-Allow-Methods",
                              "GET, POST, OPTIONS");
  answer.headers.emplace_back("Access-Control-Allow-Headers",
                              "Content-Type, Authorization");
}

namespace {

using cds_hooks::json::Value;

constexpr absl::string_view kCdsServices = "/cds-services";
constexpr absl::string_view kMetricsPath = "/metrics";

HttpAnswer JsonAnswer(const absl::StatusOr<Value>& answer) {
  if (!answer.ok()) {
    return ErrorAnswer(HttpStatusOf(answer.status().code()),
                       answer.status().message());
  }
  absl::StatusOr<std::string> text = cds_hooks::json::Print(*answer);
  if (!text.ok()) {
    return ErrorAnswer(HttpStatusOf(text.status().code()),
                       text.status().message());
  }
  HttpAnswer result;
  result.body = *std::move(text);
  AddCors(result);
  return result;
}

HttpRouteDecision Answer(HttpAnswer answer) {
  return HttpRouteDecision::Answered(std::move(answer));
}

HttpRouteDecision Refuse(const absl::Status& status) {
  return Answer(ErrorAnswer(HttpStatusOf(status.code()), status.message()));
}

HttpRouteDecision WrongMethod(absl::string_view allowed) {
  HttpAnswer answer = ErrorAnswer(405, absl::StrCat("use ", allowed));
  answer.headers.emplace_back("Allow", std::string(allowed));
  return Answer(std::move(answer));
}

// CDS Hooks service ids: letters, digits, dots, underscores and dashes.
bool IsServiceId(absl::string_view id) {
  if (id.empty()) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' &&
        c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

// Which CDS Hooks route a path names: discovery ("/cds-services"), a
// service ("/cds-services/{id}") or its feedback
// ("/cds-services/{id}/feedback"); one trailing slash is allowed.
struct CdsPath {
  enum Kind { kNone, kDiscovery, kService, kFeedback } kind = kNone;
  std::string service_id;
};

CdsPath ParseCdsPath(absl::string_view path) {
  CdsPath parsed;
  if (!absl::ConsumePrefix(&path, kCdsServices)) return parsed;
  absl::ConsumeSuffix(&path, "/");
  if (path.empty()) {
    parsed.kind = CdsPath::kDiscovery;
    return parsed;
  }
  if (!absl::ConsumePrefix(&path, "/")) return parsed;
  std::vector<absl::string_view> parts = absl::StrSplit(path, '/');
  if (!IsServiceId(parts[0])) return parsed;
  if (parts.size() == 1) {
    parsed.kind = CdsPath::kService;
  } else if (parts.size() == 2 && parts[1] == "feedback") {
    parsed.kind = CdsPath::kFeedback;
  } else {
    return parsed;
  }
  parsed.service_id = std::string(parts[0]);
  return parsed;
}

}  // namespace

HttpAnswer ErrorAnswer(int http_status, absl::string_view message) {
  Value body;
  cds_hooks::json::Put(&body, "error", std::string(message));
  HttpAnswer answer;
  answer.status = http_status;
  absl::StatusOr<std::string> text = cds_hooks::json::Print(body);
  answer.body = text.ok() ? *std::move(text) : R"({"error":"error"})";
  AddCors(answer);
  // Rate-limited or busy: when to try again (RFC 9110 10.2.3).
  if (http_status == 429 || http_status == 503) {
    answer.headers.emplace_back("Retry-After", "1");
  }
  return answer;
}

absl::StatusOr<std::string> HttpRoutes::AdmitCdsClient(
    const HttpRequestHead& head) const {
  if (jwt_ == nullptr) return Admit(head, Role::kReader);
  auto token = auth::BearerToken(head.authorization);
  if (!token.ok()) return token.status();
  // `aud` must name the endpoint called (built from the configured
  // audience and the path, never from the Host header).
  absl::StatusOr<auth::VerifiedToken> verified =
      jwt_->Verify(*token, absl::Now(), jwt_->EndpointUrl(head.path));
  if (!verified.ok()) return verified.status();
  // One EHR (issuer) may sign for many users; limits are per EHR.
  return verified->issuer;
}

absl::StatusOr<std::string> HttpRoutes::Admit(const HttpRequestHead& head,
                                              Role needed) const {
  if (access_ == nullptr || !access_->enabled()) return std::string("anonymous");
  return access_->Authorize(head.authorization, needed);
}

HttpRouteDecision HttpRoutes::Route(const HttpRequestHead& head) const {
  // A CORS preflight carries no credential, by the Fetch standard.
  if (head.method == "OPTIONS") {
    HttpAnswer answer;
    answer.status = 204;
    answer.content_type.clear();
    AddCors(answer);
    return Answer(std::move(answer));
  }
  if (IsJsonApiPath(head.path)) {
    // The gRPC reader role: reader, replica and admin tokens pass.
    return RouteJsonApi(head, Admit(head, Role::kReader).status(), knowledge_,
                        metrics_);
  }
  if (head.path == kMetricsPath) {
    if (head.method != "GET") return WrongMethod("GET");
    // A Prometheus scraper's metrics (or an admin) token; never a reader's
    // or an EHR's JWT.
    absl::StatusOr<std::string> admitted = Admit(head, Role::kMetrics);
    if (!admitted.ok()) return Refuse(admitted.status());
    if (metrics_ == nullptr) return Answer(ErrorAnswer(404, "no metrics here"));
    HttpRouteDecision decision;
    decision.handler = [metrics = metrics_](std::string) {
      HttpAnswer answer;
      answer.content_type = "text/plain; version=0.0.4";
      answer.body = metrics->PrometheusText();
      return answer;
    };
    return decision;
  }
  if (KnowledgeSiteRoutes::Handles(head.path)) {
    if (head.method != "GET") return WrongMethod("GET");
    absl::StatusOr<std::string> admitted = Admit(head, Role::kReader);
    if (!admitted.ok()) return Refuse(admitted.status());
    if (site_ == nullptr) return Answer(ErrorAnswer(404, "not found"));
    HttpRouteDecision decision;
    decision.handler = [site = site_, path = head.path](std::string) {
      return site->Serve(path);
    };
    return decision;
  }
  const CdsPath cds = ParseCdsPath(head.path);
  if (cds.kind == CdsPath::kNone) return Answer(ErrorAnswer(404, "not found"));
  const absl::string_view allowed =
      cds.kind == CdsPath::kDiscovery ? "GET" : "POST";
  if (head.method != allowed) return WrongMethod(allowed);
  absl::StatusOr<std::string> caller = AdmitCdsClient(head);
  if (!caller.ok()) return Refuse(caller.status());

  const cds_hooks::CdsHooksService* service = service_;
  Metrics* metrics = metrics_;
  HttpRouteDecision decision;
  decision.handler = [service, metrics, cds,
                      caller = *std::move(caller)](std::string body) {
    const absl::Time start = absl::Now();
    absl::StatusOr<Value> answer =
        cds.kind == CdsPath::kDiscovery ? absl::StatusOr<Value>(
                                              service->Discovery())
        : cds.kind == CdsPath::kFeedback
            ? service->Feedback(cds.service_id, body, caller)
            : service->Hook(cds.service_id, body);
    if (metrics != nullptr) {
      metrics->RecordRequest(Method::kCdsHooks, answer.status().code(),
                             absl::Now() - start);
    }
    return JsonAnswer(answer);
  };
  return decision;
}

}  // namespace dystonia
