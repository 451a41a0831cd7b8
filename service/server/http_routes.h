#ifndef DYSTONIA_SERVICE_SERVER_HTTP_ROUTES_H_
#define DYSTONIA_SERVICE_SERVER_HTTP_ROUTES_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "service/auth/jwt_validator.h"
#include "service/cds_hooks/cds_hooks.h"
#include "drug_db/knowledge_holder.h"
#include "service/server/access_control.h"
#include "service/server/metrics.h"

namespace dystonia {
class KnowledgeSiteRoutes;
}  // namespace dystonia

namespace dystonia {

// What the routes need of a request whose head (request line and headers)
// has been read and whose body has not.
struct HttpRequestHead {
  std::string method;  // "GET", "POST", ...
  std::string path;    // the target without its query string
  std::string query;   // after the '?', still percent-encoded
  std::string authorization;
  // The endpoint the caller addressed, "https://host:port/path", for
  // checks that tie a credential to it.
  std::string endpoint_url;
};

// One answer, with the headers it needs beyond Content-Type and Length.
struct HttpAnswer {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Lets any origin call (and preflight) the HTTP port's JSON routes.
void AddCors(HttpAnswer& answer);

// {"error": message}, with CORS: every refusal of the HTTP port, whether
// the routes or the transport (413, 431, 503) refuse.
HttpAnswer ErrorAnswer(int http_status, absl::string_view message);

// What to do with a request once its head is read: either `answer` now (a
// refusal, a CORS preflight) without reading the body, or read the body
// and run `handler` on it, off the network threads.
struct HttpRouteDecision {
  bool answered = false;
  HttpAnswer answer;
  std::function<HttpAnswer(std::string body)> handler;

  // Answered on the head alone (a refusal, a redirect, a preflight).
  static HttpRouteDecision Answered(HttpAnswer answer) {
    HttpRouteDecision decision;
    decision.answered = true;
    decision.answer = std::move(answer);
    return decision;
  }
};

// The HTTP port's routes, who may call each, and how a status becomes an
// HTTP answer; the transport (http_listener) knows none of this.
//   GET  /cds-services                  discovery
//   POST /cds-services/{id}             a hook call (cards)
//   POST /cds-services/{id}/feedback    feedback on cards
//   GET  /metrics                       Prometheus text
//   /v1/...                             the JSON API (json_api_routes.h)
//   GET  /kb/...                        the knowledge browser (reader)
//   OPTIONS *                           CORS preflight, no credential
// CDS Hooks routes take the EHR's JWT when one is configured, else a reader
// token ("Authorization: Bearer TOKEN") when tokens are; /metrics takes a
// metrics or admin token; /v1/ a reader token, as gRPC. The caller is admitted on the head alone, so nobody
// unauthenticated gets a body read.
class HttpRoutes {
 public:
  // None of the pointers is owned; `jwt`, `metrics`, `knowledge` and `site`
  // may be null (without `knowledge` the /v1/ JSON routes answer 503; no
  // /kb/ without a site).
  HttpRoutes(const cds_hooks::CdsHooksService* service,
             const AccessControl* access, auth::JwtValidator* jwt,
             Metrics* metrics, const KnowledgeHolder* knowledge = nullptr,
             const KnowledgeSiteRoutes* site = nullptr)
      : service_(service),
        access_(access),
        jwt_(jwt),
        metrics_(metrics),
        knowledge_(knowledge),
        site_(site) {}

  HttpRouteDecision Route(const HttpRequestHead& head) const;

 private:
  // The caller's name (the JWT's issuer, the bearer token's name,
  // "anonymous" without tokens), or why it is refused.
  absl::StatusOr<std::string> AdmitCdsClient(const HttpRequestHead& head) const;
  // A bearer token of the `needed` role (or one RoleAllows for it).
  absl::StatusOr<std::string> Admit(const HttpRequestHead& head,
                                    Role needed) const;

  const cds_hooks::CdsHooksService* service_;
  const AccessControl* access_;
  auth::JwtValidator* jwt_;
  Metrics* metrics_;
  const KnowledgeHolder* knowledge_;
  const KnowledgeSiteRoutes* site_;
};

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_SERVER_HTTP_ROUTES_H_
