#ifndef DYSTONIA_SERVICE_ENGINE_KNOWLEDGE_VIEWS_H_
#define DYSTONIA_SERVICE_ENGINE_KNOWLEDGE_VIEWS_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "drug_db/knowledge_snapshot.h"
#include "dystonia/v1/risk_service.pb.h"

namespace dystonia {

// Returns the profile of the drug `query` names (a name, brand, RxCUI or ATC
// code), with its citations resolved. kInvalidArgument for an empty or
// over-long query; kNotFound (suggestions in the message) when nothing
// matches.
absl::StatusOr<v1::DrugProfile> DescribeDrug(const KnowledgeSnapshot& knowledge,
                                             absl::string_view query);

// Searches names and brands for a pick list. `limit` 0 means 10.
// kInvalidArgument for an empty query or a limit outside 0..100.
absl::StatusOr<std::vector<v1::DrugMatch>> SearchDrugs(
    const KnowledgeSnapshot& knowledge, absl::string_view query, int limit);

// Describes the knowledge base: version, counts, sources.
v1::KnowledgeBaseInfo DescribeKnowledgeBase(const KnowledgeSnapshot& knowledge);

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_ENGINE_KNOWLEDGE_VIEWS_H_
