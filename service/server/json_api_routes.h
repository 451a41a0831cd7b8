#ifndef DYSTONIA_SERVICE_SERVER_JSON_API_ROUTES_H_
#define DYSTONIA_SERVICE_SERVER_JSON_API_ROUTES_H_

// The RiskService methods as JSON on the HTTP port, for web clients:
//   POST /v1/check                        Check (CheckRequest -> CheckResponse)
//   GET  /v1/drugs/{query}                GetDrug (-> DrugProfile)
//   GET  /v1/drugs:search?q=...&limit=N   SearchDrugs (-> SearchDrugsResponse)
//   GET  /v1/knowledge-base               GetKnowledgeBaseInfo
// Bodies and answers use protobuf's JSON mapping (lowerCamelCase names,
// enums as strings, int64 as strings); proto/openapi.yaml describes them.
// Each route runs the same function as the gRPC method (risk_queries), so
// validation and errors are the gRPC ones, mapped with HttpStatusOf.

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "drug_db/knowledge_holder.h"
#include "service/server/http_routes.h"
#include "service/server/metrics.h"

namespace dystonia {

// True for every path under /v1/.
bool IsJsonApiPath(absl::string_view path);

// {"error":{"code":HTTP,"status":"INVALID_ARGUMENT","message":...}}, with
// CORS headers.
HttpAnswer JsonApiErrorAnswer(const absl::Status& status);

// Routes a /v1/ request. `admitted` is whether the caller holds a reader
// token (or none is needed); `knowledge` null answers 503; `metrics` may be
// null.
HttpRouteDecision RouteJsonApi(const HttpRequestHead& head,
                               const absl::Status& admitted,
                               const KnowledgeHolder* knowledge,
                               Metrics* metrics);

// Decodes %XX escapes (and '+' as a space when `plus_is_space`, as in a
// query string). kInvalidArgument for a malformed escape.
absl::StatusOr<std::string> PercentDecode(absl::string_view text,
                                          bool plus_is_space);

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_SERVER_JSON_API_ROUTES_H_
