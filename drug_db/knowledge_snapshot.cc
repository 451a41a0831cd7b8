#include "drug_db/knowledge_snapshot.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "drug_db/name_normalizer.h"

namespace dystonia {
absl::StatusOr<std::shared_ptr<const KnowledgeSnapshot>>
KnowledgeSnapshot::Load(const DrugStore& store) {
  absl::StatusOr<StoredKnowledge> stored = store.ReadActive();
  if (!stored.ok()) return stored.status();
  return Build(*std::move(stored));
}

std::shared_ptr<const KnowledgeSnapshot> KnowledgeSnapshot::Build(
    StoredKnowledge stored) {
  std::shared_ptr<KnowledgeSnapshot> snapshot(new KnowledgeSnapshot());
  snapshot->info_ = std::move(stored.info);
  snapshot->bundle_ = std::move(stored.bundle);
  snapshot->Index(std::move(stored.name_index));
  return snapshot;
}

std::shared_ptr<const KnowledgeSnapshot> KnowledgeSnapshot::FromBundle(
    const v1::KnowledgeBundle& bundle) {
  StoredKnowledge stored;
  stored.bundle = bundle;
  stored.info.set_version(absl::StrCat(bundle.manifest().version(), "+0"));
  *stored.info.mutable_manifest() = bundle.manifest();
  stored.name_index = BuildNameIndex(bundle);
  return Build(std::move(stored));
}

bool KnowledgeSnapshot::InScope(const v1::Scope& scope,
                                const DrugEntry& entry) const {
  if (scope.class_ids().empty() && scope.drug_ids().empty()) return true;
  for (const std::string& id : scope.drug_ids()) {
    if (id == entry.drug->id()) return true;
  }
  for (const std::string& id : scope.class_ids()) {
    for (const v1::DrugClass* drug_class : entry.classes) {
      if (drug_class->id() == id) return true;
    }
  }
  return false;
}

void KnowledgeSnapshot::Index(
    std::vector<std::pair<std::string, v1::NameIndexEntry>> names) {
  for (const v1::Citation& citation : bundle_.citation()) {
    citation_by_id_[citation.id()] = &citation;
  }
  for (const v1::DrugClass& drug_class : bundle_.drug_class()) {
    class_by_id_[drug_class.id()] = &drug_class;
  }
  drugs_.resize(bundle_.drug_size());
  for (int i = 0; i < bundle_.drug_size(); ++i) {
    drug_by_id_[bundle_.drug(i).id()] = i;
  }
  for (int i = 0; i < bundle_.drug_size(); ++i) {
    DrugEntry& entry = drugs_[i];
    entry.drug = &bundle_.drug(i);
    for (const std::string& class_id : entry.drug->class_ids()) {
      const v1::DrugClass* drug_class = FindClass(class_id);
      if (drug_class == nullptr) continue;
      entry.classes.push_back(drug_class);
      for (int role : drug_class->roles()) {
        if (role == v1::CLASS_ROLE_DOPAMINE_BLOCKER) {
          entry.dopamine_blocker = true;
        }
        if (role == v1::CLASS_ROLE_ANTICHOLINERGIC_PROPHYLAXIS) {
          entry.anticholinergic_prophylaxis = true;
        }
        if (role == v1::CLASS_ROLE_ANTIPSYCHOTIC) entry.antipsychotic = true;
      }
    }
    for (const std::string& ingredient : entry.drug->ingredient_ids()) {
      const int index = FindDrug(ingredient);
      if (index >= 0 && index != i) entry.ingredients.push_back(index);
    }
  }
  // Every citation list, resolved once.
  for (const v1::Drug& drug : bundle_.drug()) {
    ResolveCitationList(drug.acute().citation_ids());
    ResolveCitationList(drug.tardive().citation_ids());
    for (const v1::RouteLiability& route : drug.route_liabilities()) {
      ResolveCitationList(route.acute().citation_ids());
      ResolveCitationList(route.tardive().citation_ids());
    }
    for (const v1::DoseThreshold& threshold : drug.dose_thresholds()) {
      ResolveCitationList(threshold.citation_ids());
    }
  }
  for (const v1::DrugClass& drug_class : bundle_.drug_class()) {
    ResolveCitationList(drug_class.citation_ids());
  }
  for (const v1::RiskModifier& modifier : bundle_.modifier()) {
    ResolveCitationList(modifier.citation_ids());
  }
  for (const v1::Interaction& interaction : bundle_.interaction()) {
    ResolveCitationList(interaction.citation_ids());
  }
  for (const v1::Recommendation& recommendation : bundle_.recommendation()) {
    ResolveCitationList(recommendation.citation_ids());
  }
  for (absl::string_view gene : kApiGenes) genes_.insert(std::string(gene));
  for (const v1::Caution& caution : bundle_.caution()) {
    ResolveCitationList(caution.citation_ids());
    if (caution.has_phenotype()) genes_.insert(caution.phenotype().gene());
  }
  for (const v1::ClinicalCondition& condition : bundle_.condition()) {
    ResolveCitationList(condition.citation_ids());
  }
  conditions_.Build(bundle_);
  // Scopes are resolved once here so that a check only walks short lists.
  for (DrugEntry& entry : drugs_) {
    for (int m = 0; m < bundle_.modifier_size(); ++m) {
      const v1::RiskModifier& modifier = bundle_.modifier(m);
      if (!InScope(modifier.scope(), entry)) continue;
      if (modifier.syndrome() == v1::SYNDROME_ACUTE_DYSTONIA) {
        entry.modifiers[kAcute].push_back(m);
      } else if (modifier.syndrome() == v1::SYNDROME_TARDIVE) {
        entry.modifiers[kTardive].push_back(m);
      }
    }
    for (int r = 0; r < bundle_.recommendation_size(); ++r) {
      const v1::Recommendation& recommendation = bundle_.recommendation(r);
      if (!InScope(recommendation.scope(), entry)) continue;
      if (recommendation.syndrome() == v1::SYNDROME_ACUTE_DYSTONIA) {
        entry.recommendations[kAcute].push_back(r);
      } else if (recommendation.syndrome() == v1::SYNDROME_TARDIVE) {
        entry.recommendations[kTardive].push_back(r);
      }
    }
    for (int x = 0; x < bundle_.interaction_size(); ++x) {
      const v1::Interaction& interaction = bundle_.interaction(x);
      if (InScope(interaction.substrate(), entry)) {
        entry.substrate_of.push_back(x);
      }
      if (InScope(interaction.perpetrator(), entry)) {
        entry.perpetrator_of.push_back(x);
      }
    }
    for (int c = 0; c < bundle_.caution_size(); ++c) {
      if (InScope(bundle_.caution(c).drugs(), entry)) {
        entry.cautions.push_back(c);
      }
    }
    // Contraindications first, for whoever lists a drug's cautions.
    std::stable_sort(entry.cautions.begin(), entry.cautions.end(),
                     [this](int a, int b) {
                       return bundle_.caution(a).contraindicated() &&
                              !bundle_.caution(b).contraindicated();
                     });
  }
  for (auto& [key, index_entry] : names) {
    const int drug = FindDrug(index_entry.drug_id());
    if (drug < 0) continue;
    NameHit hit{drug, index_entry.kind(), index_entry.display(),
                index_entry.route()};
    if (absl::StartsWith(key, "rxcui:")) {
      rxcuis_.emplace(key.substr(6), std::move(hit));
    } else if (absl::StartsWith(key, "atc:")) {
      atc_codes_.emplace(key.substr(4), std::move(hit));
    } else if (absl::StartsWith(key, "ndc:")) {
      ndcs_.emplace(key.substr(4), std::move(hit));
    } else {
      sorted_names_.emplace_back(key, hit);
      names_.emplace(key, std::move(hit));
    }
  }
  std::sort(sorted_names_.begin(), sorted_names_.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  sorted_name_letters_.reserve(sorted_names_.size());
  for (const auto& [key, hit] : sorted_names_) {
    sorted_name_letters_.push_back(CountLetters(key));
  }
}

int KnowledgeSnapshot::FindDrug(absl::string_view id) const {
  auto it = drug_by_id_.find(id);
  return it == drug_by_id_.end() ? -1 : it->second;
}

const NameHit* KnowledgeSnapshot::FindName(absl::string_view normalized) const {
  auto it = names_.find(normalized);
  return it == names_.end() ? nullptr : &it->second;
}

const NameHit* KnowledgeSnapshot::FindRxcui(absl::string_view rxcui) const {
  auto it = rxcuis_.find(rxcui);
  return it == rxcuis_.end() ? nullptr : &it->second;
}

const NameHit* KnowledgeSnapshot::FindAtcCode(
    absl::string_view atc_code) const {
  auto it = atc_codes_.find(atc_code);
  return it == atc_codes_.end() ? nullptr : &it->second;
}

const NameHit* KnowledgeSnapshot::FindNdc(absl::string_view ndc11) const {
  auto it = ndcs_.find(ndc11);
  return it == ndcs_.end() ? nullptr : &it->second;
}

LetterCounts CountLetters(absl::string_view normalized) {
  LetterCounts counts{};
  for (char c : normalized) {
    int slot = 36;
    if (c >= 'a' && c <= 'z') slot = c - 'a';
    if (c >= '0' && c <= '9') slot = 26 + (c - '0');
    if (counts[slot] < 255) ++counts[slot];
  }
  return counts;
}

int LetterDistanceLowerBound(const LetterCounts& a, const LetterCounts& b) {
  int surplus = 0;
  int deficit = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const int difference = static_cast<int>(a[i]) - static_cast<int>(b[i]);
    if (difference > 0) surplus += difference;
    if (difference < 0) deficit -= difference;
  }
  return std::max(surplus, deficit);
}

void KnowledgeSnapshot::ResolveCitationList(
    const google::protobuf::RepeatedPtrField<std::string>& ids) {
  std::vector<const v1::Citation*>& resolved = resolved_citations_[&ids];
  resolved.clear();
  for (const std::string& id : ids) {
    if (const v1::Citation* citation = FindCitation(id)) {
      resolved.push_back(citation);
    }
  }
}

const std::vector<const v1::Citation*>* KnowledgeSnapshot::ResolvedCitations(
    const google::protobuf::RepeatedPtrField<std::string>& ids) const {
  auto it = resolved_citations_.find(&ids);
  return it == resolved_citations_.end() ? nullptr : &it->second;
}

const v1::Citation* KnowledgeSnapshot::FindCitation(
    absl::string_view id) const {
  auto it = citation_by_id_.find(id);
  return it == citation_by_id_.end() ? nullptr : it->second;
}

const v1::DrugClass* KnowledgeSnapshot::FindClass(absl::string_view id) const {
  auto it = class_by_id_.find(id);
  return it == class_by_id_.end() ? nullptr : it->second;
}

}  // namespace dystonia
