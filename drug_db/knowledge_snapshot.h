#ifndef DYSTONIA_DRUG_DB_KNOWLEDGE_SNAPSHOT_H_
#define DYSTONIA_DRUG_DB_KNOWLEDGE_SNAPSHOT_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "drug_db/condition_index.h"
#include "drug_db/drug_store.h"
#include "drug_db/name_index.h"
#include "dystonia/v1/knowledge.pb.h"

namespace dystonia {

// Index of the two syndromes in per-syndrome arrays.
inline constexpr int kAcute = 0;
inline constexpr int kTardive = 1;

// The genes whose phenotypes Patient.pharmacogenomics is documented to take:
// a result for one of them is read (and accounted as assessed) even when no
// statement of the knowledge names it.
inline constexpr absl::string_view kApiGenes[] = {"CYP2D6", "CYP2C19", "CYP3A4",
                                                  "CYP1A2"};

// A drug with everything the engine needs about it resolved in advance.
struct DrugEntry {
  const v1::Drug* drug = nullptr;
  bool dopamine_blocker = false;
  bool anticholinergic_prophylaxis = false;
  bool antipsychotic = false;
  std::vector<const v1::DrugClass*> classes;
  // Indexes into KnowledgeSnapshot::drugs().
  std::vector<int> ingredients;
  // Indexes into modifiers() / recommendations(), by syndrome, in scope.
  std::vector<int> modifiers[2];
  std::vector<int> recommendations[2];
  // Indexes into interactions() where this drug is substrate / perpetrator.
  std::vector<int> substrate_of;
  std::vector<int> perpetrator_of;
  // Indexes into cautions() whose `drugs` scope holds this drug,
  // contraindications first.
  std::vector<int> cautions;
};

// What a name, brand or code in the index points at.
struct NameHit {
  int drug = -1;
  v1::NameIndexEntry::Kind kind = v1::NameIndexEntry::KIND_UNSPECIFIED;
  std::string display;
  // The route a FORM name implies ("Invega Sustenna" -> long-acting).
  v1::Route route = v1::ROUTE_UNSPECIFIED;
};

// Occurrences of 'a'..'z', '0'..'9' and everything else in a normalized
// name (saturating at 255).
using LetterCounts = std::array<uint8_t, 37>;
LetterCounts CountLetters(absl::string_view normalized);

// At most the edit distance between two names with these counts: each
// insertion or deletion changes one count by one, each substitution two.
int LetterDistanceLowerBound(const LetterCounts& a, const LetterCounts& b);

// An immutable, fully indexed copy of one knowledge-base version.
// Thread-safe: share it freely through shared_ptr<const>.
class KnowledgeSnapshot {
 public:
  // Reads the active version of `store`. kNotFound when the store is empty;
  // kDataLoss when a record does not parse.
  static absl::StatusOr<std::shared_ptr<const KnowledgeSnapshot>> Load(
      const DrugStore& store);

  // Indexes `stored` (as read from the store). Unknown references are
  // skipped, never followed.
  static std::shared_ptr<const KnowledgeSnapshot> Build(StoredKnowledge stored);

  // Indexes an unstored bundle (tests, dry runs); version "<manifest>+0".
  static std::shared_ptr<const KnowledgeSnapshot> FromBundle(
      const v1::KnowledgeBundle& bundle);

  const v1::KnowledgeVersionInfo& info() const { return info_; }
  const std::string& version() const { return info_.version(); }

  const std::vector<DrugEntry>& drugs() const { return drugs_; }
  // Returns the index of drug `id`, or -1.
  int FindDrug(absl::string_view id) const;
  // Returns the hit for a normalized name or brand, or nullptr.
  const NameHit* FindName(absl::string_view normalized) const;
  const NameHit* FindRxcui(absl::string_view rxcui) const;
  const NameHit* FindAtcCode(absl::string_view atc_code) const;
  // Returns the hit for an 11-digit NDC (see NdcCandidates), or nullptr.
  const NameHit* FindNdc(absl::string_view ndc11) const;
  // Every normalized name and brand with its hit, in key order (for prefix
  // and near-miss search).
  const std::vector<std::pair<std::string, NameHit>>& sorted_names() const {
    return sorted_names_;
  }
  // For each sorted name, how often each character occurs: a cheap lower
  // bound on edit distance that lets near-miss search skip most names.
  const std::vector<LetterCounts>& sorted_name_letters() const {
    return sorted_name_letters_;
  }

  // Returns the citation `id`, or nullptr.
  const v1::Citation* FindCitation(absl::string_view id) const;
  // The citations a citation_ids list inside this snapshot's bundle names,
  // resolved once at load (a check cites tens of them); nullptr for a list
  // from elsewhere.
  const std::vector<const v1::Citation*>* ResolvedCitations(
      const google::protobuf::RepeatedPtrField<std::string>& ids) const;
  const v1::DrugClass* FindClass(absl::string_view id) const;

  const v1::KnowledgeBundle& bundle() const { return bundle_; }
  const v1::RiskModifier& modifier(int i) const { return bundle_.modifier(i); }
  const v1::Interaction& interaction(int i) const {
    return bundle_.interaction(i);
  }
  const v1::Recommendation& recommendation(int i) const {
    return bundle_.recommendation(i);
  }
  const v1::Caution& caution(int i) const { return bundle_.caution(i); }
  const v1::ClinicalCondition& condition(int i) const {
    return bundle_.condition(i);
  }
  // True for a gene (HGNC symbol, as NormalizeGeneSymbol writes it) of
  // kApiGenes or named by a phenotype statement.
  bool KnowsGene(absl::string_view gene) const { return genes_.contains(gene); }
  // The patient conditions the knowledge base recognizes.
  const ConditionIndex& conditions() const { return conditions_; }

  // True when `entry` is a drug the scope lists or a member of a class it
  // lists; an empty scope holds every drug.
  bool InScope(const v1::Scope& scope, const DrugEntry& entry) const;

 private:
  KnowledgeSnapshot() = default;
  void Index(std::vector<std::pair<std::string, v1::NameIndexEntry>> names);

  v1::KnowledgeVersionInfo info_;
  v1::KnowledgeBundle bundle_;
  std::vector<DrugEntry> drugs_;
  absl::flat_hash_map<std::string, int> drug_by_id_;
  absl::flat_hash_map<std::string, const v1::Citation*> citation_by_id_;
  // Keyed by the address of a citation_ids field inside bundle_.
  absl::flat_hash_map<const void*, std::vector<const v1::Citation*>>
      resolved_citations_;
  void ResolveCitationList(
      const google::protobuf::RepeatedPtrField<std::string>& ids);
  absl::flat_hash_map<std::string, const v1::DrugClass*> class_by_id_;
  ConditionIndex conditions_;
  absl::flat_hash_set<std::string> genes_;
  absl::flat_hash_map<std::string, NameHit> names_;
  absl::flat_hash_map<std::string, NameHit> rxcuis_;
  absl::flat_hash_map<std::string, NameHit> atc_codes_;
  absl::flat_hash_map<std::string, NameHit> ndcs_;
  std::vector<std::pair<std::string, NameHit>> sorted_names_;
  std::vector<LetterCounts> sorted_name_letters_;
};

}  // namespace dystonia

#endif  // DYSTONIA_DRUG_DB_KNOWLEDGE_SNAPSHOT_H_
