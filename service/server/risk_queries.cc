#include "service/server/risk_queries.h"

#include <utility>
#include <vector>

#include "service/engine/knowledge_views.h"
#include "service/engine/risk_engine.h"

namespace dystonia {

absl::Status KnowledgeUnavailable() {
  return absl::UnavailableError("the knowledge base is loading; retry shortly");
}

absl::Status RunCheck(const KnowledgeSnapshot& knowledge,
                      const v1::CheckRequest& request,
                      v1::CheckResponse* response) {
  return RiskEngine::Assess(knowledge, request, response);
}

absl::StatusOr<v1::DrugProfile> RunGetDrug(const KnowledgeSnapshot& knowledge,
                                           const v1::GetDrugRequest& request) {
  return DescribeDrug(knowledge, request.query());
}

absl::StatusOr<v1::SearchDrugsResponse> RunSearchDrugs(
    const KnowledgeSnapshot& knowledge, const v1::SearchDrugsRequest& request) {
  auto matches = SearchDrugs(knowledge, request.query(), request.limit());
  if (!matches.ok()) return matches.status();
  v1::SearchDrugsResponse result;
  for (v1::DrugMatch& match : *matches) {
    *result.add_matches() = std::move(match);
  }
  result.set_knowledge_base_version(knowledge.version());
  return result;
}

absl::StatusOr<v1::KnowledgeBaseInfo> RunGetKnowledgeBaseInfo(
    const KnowledgeSnapshot& knowledge,
    const v1::GetKnowledgeBaseInfoRequest&) {
  return DescribeKnowledgeBase(knowledge);
}

}  // namespace dystonia
