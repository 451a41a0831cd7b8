#ifndef DYSTONIA_DRUG_DB_CONDITION_INDEX_H_
#define DYSTONIA_DRUG_DB_CONDITION_INDEX_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "dystonia/v1/knowledge.pb.h"

namespace dystonia {

// How a patient condition was recognized.
struct ConditionHit {
  // Index into KnowledgeBundle::condition(), or -1 when not recognized.
  int condition = -1;
  bool by_code = false;
  // What matched: "system|code" as the knowledge base writes it, or the
  // knowledge base's name or synonym.
  std::string matched;
};

// Finds the knowledge base's ClinicalCondition entries by code (exact, or
// under an ICD category marked `prefix`) or by folded name.
// Immutable after Build; thread-safe for concurrent lookups. Holds pointers
// into the bundle it was built from, which must outlive it.
class ConditionIndex {
 public:
  // Indexes `bundle`'s conditions and marks those a caution or a modifier
  // condition names, or that stand for a previous drug-induced dystonia, as
  // affecting the judgement.
  void Build(const v1::KnowledgeBundle& bundle);

  // Recognizes a condition by `system` and `code` first, then by `text`.
  // Returns a hit with condition -1 when neither matches.
  ConditionHit Find(absl::string_view text, absl::string_view system,
                    absl::string_view code) const;

  // False for conditions recognized only so that they are accounted for
  // (hypertension): no rule names them.
  bool AffectsJudgement(int condition) const {
    return affects_judgement_[condition];
  }

  // The condition Patient.prior_drug_induced_dystonia stands for, or -1.
  int prior_dystonia_condition() const { return prior_dystonia_condition_; }

 private:
  struct CodeEntry {
    int condition = -1;
    const v1::ConditionCode* code = nullptr;
  };
  // "system|normalized code" -> the condition, for exact and prefix codes.
  absl::flat_hash_map<std::string, CodeEntry> exact_codes_;
  absl::flat_hash_map<std::string, CodeEntry> prefix_codes_;
  // NormalizeConditionName(name or synonym) -> condition and display.
  absl::flat_hash_map<std::string, std::pair<int, const std::string*>> names_;
  std::vector<bool> affects_judgement_;
  int prior_dystonia_condition_ = -1;
};

}  // namespace dystonia

#endif  // DYSTONIA_DRUG_DB_CONDITION_INDEX_H_
