#ifndef DYSTONIA_SERVICE_SERVER_RISK_QUERIES_H_
#define DYSTONIA_SERVICE_SERVER_RISK_QUERIES_H_

// What each RiskService method does once its request is parsed, whatever
// the transport: the gRPC handlers (risk_service_impl) and the JSON routes
// (json_api_routes) both call these, so both validate alike and fail with
// the same status.

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "drug_db/knowledge_holder.h"
#include "dystonia/v1/risk_service.pb.h"

namespace dystonia {

// UNAVAILABLE: no knowledge base is being served yet.
absl::Status KnowledgeUnavailable();

// Check: validates `request` (RequestValidator's limits) and assesses it.
absl::Status RunCheck(const KnowledgeSnapshot& knowledge,
                      const v1::CheckRequest& request,
                      v1::CheckResponse* response);

absl::StatusOr<v1::DrugProfile> RunGetDrug(const KnowledgeSnapshot& knowledge,
                                           const v1::GetDrugRequest& request);

absl::StatusOr<v1::SearchDrugsResponse> RunSearchDrugs(
    const KnowledgeSnapshot& knowledge, const v1::SearchDrugsRequest& request);

absl::StatusOr<v1::KnowledgeBaseInfo> RunGetKnowledgeBaseInfo(
    const KnowledgeSnapshot& knowledge,
    const v1::GetKnowledgeBaseInfoRequest& request);

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_SERVER_RISK_QUERIES_H_
