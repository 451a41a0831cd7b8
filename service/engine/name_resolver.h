#ifndef DYSTONIA_SERVICE_ENGINE_NAME_RESOLVER_H_
#define DYSTONIA_SERVICE_ENGINE_NAME_RESOLVER_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "drug_db/knowledge_snapshot.h"
#include "dystonia/v1/risk_service.pb.h"

namespace dystonia {

// What a prescriber's text or code named.
struct Resolution {
  // Index into KnowledgeSnapshot::drugs(), or -1 when unrecognized.
  int drug = -1;
  v1::AssessedMedication::MatchKind match_kind =
      v1::AssessedMedication::MATCH_KIND_UNSPECIFIED;
  // The knowledge-base name or code that matched.
  std::string matched_name;
  // The route the words of the name imply ("decanoate" -> long-acting
  // injectable, "injection" -> intramuscular), or ROUTE_UNSPECIFIED.
  v1::Route route_hint = v1::ROUTE_UNSPECIFIED;
};

// Resolves medication names and codes against a knowledge snapshot.
// Stateless and thread-safe.
//
// A name matches when, after case and punctuation folding, it is a drug's
// name, synonym or brand; failing that, when it is one once strength, unit,
// dose-form and route words are dropped ("haloperidol lactate 5 mg/mL"),
// then salt and ester words ("Haldol Decanoate"), then trailing words.
// Near-misses ("haloperidal") never match: they are left to Suggest().
class NameResolver {
 public:
  // Resolves by RxCUI, then ATC code, then name.
  static Resolution Resolve(const KnowledgeSnapshot& knowledge,
                            const v1::Medication& medication);

  // Resolves free text that may also be a bare RxCUI or ATC code.
  static Resolution ResolveText(const KnowledgeSnapshot& knowledge,
                                absl::string_view text);

  // Returns up to `limit` names (display form) within a small edit distance
  // of `text`, closest first, one per drug.
  static std::vector<std::string> Suggest(const KnowledgeSnapshot& knowledge,
                                          absl::string_view text,
                                          int limit = 3);

  // Prefix and near-miss search for pick lists: exact, then prefix, then
  // near-miss matches, one per drug, at most `limit`.
  static std::vector<v1::DrugMatch> Search(const KnowledgeSnapshot& knowledge,
                                           absl::string_view query, int limit);
};

// Optimal-string-alignment edit distance between `a` and `b`, giving up
// (returning max_distance + 1) once it exceeds `max_distance`.
int BoundedEditDistance(absl::string_view a, absl::string_view b,
                        int max_distance);

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_ENGINE_NAME_RESOLVER_H_
