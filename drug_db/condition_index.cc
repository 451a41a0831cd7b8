#include "drug_db/condition_index.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "drug_db/condition_codes.h"

namespace dystonia {

void ConditionIndex::Build(const v1::KnowledgeBundle& bundle) {
  absl::flat_hash_set<absl::string_view> named;
  for (const v1::Caution& caution : bundle.caution()) {
    named.insert(caution.condition_ids().begin(),
                 caution.condition_ids().end());
  }
  for (const v1::RiskModifier& modifier : bundle.modifier()) {
    const auto& ids = modifier.condition().patient_condition_ids();
    named.insert(ids.begin(), ids.end());
  }
  affects_judgement_.assign(bundle.condition_size(), false);
  for (int i = 0; i < bundle.condition_size(); ++i) {
    const v1::ClinicalCondition& condition = bundle.condition(i);
    affects_judgement_[i] = condition.prior_drug_induced_dystonia() ||
                            condition.implies_prior_drug_induced_dystonia() ||
                            named.contains(condition.id());
    if (condition.prior_drug_induced_dystonia() &&
        prior_dystonia_condition_ < 0) {
      prior_dystonia_condition_ = i;
    }
    names_.emplace(NormalizeConditionName(condition.name()),
                   std::make_pair(i, &condition.name()));
    for (const std::string& synonym : condition.synonyms()) {
      names_.emplace(NormalizeConditionName(synonym),
                     std::make_pair(i, &synonym));
    }
    for (const v1::ConditionCode& code : condition.codes()) {
      const std::string key = absl::StrCat(
          code.system(), "|", NormalizeConditionCode(code.system(), code.code()));
      (code.prefix() ? prefix_codes_ : exact_codes_)
          .emplace(key, CodeEntry{i, &code});
    }
  }
}

ConditionHit ConditionIndex::Find(absl::string_view text,
                                  absl::string_view system,
                                  absl::string_view code) const {
  ConditionHit hit;
  if (!code.empty() && IsKnownConditionCodeSystem(system)) {
    const std::string key =
        absl::StrCat(system, "|", NormalizeConditionCode(system, code));
    const CodeEntry* found = nullptr;
    if (auto it = exact_codes_.find(key); it != exact_codes_.end()) {
      found = &it->second;
    }
    // The longest category that holds the code: "G20A1" tries "G20A1",
    // "G20A", "G20".
    const size_t system_end = system.size() + 1;
    for (size_t end = key.size(); found == nullptr && end > system_end + 2;
         --end) {
      if (auto it = prefix_codes_.find(absl::string_view(key).substr(0, end));
          it != prefix_codes_.end()) {
        found = &it->second;
      }
    }
    if (found != nullptr) {
      hit.condition = found->condition;
      hit.by_code = true;
      hit.matched = absl::StrCat(found->code->system(), "|", found->code->code());
      return hit;
    }
  }
  if (!text.empty()) {
    if (auto it = names_.find(NormalizeConditionName(text));
        it != names_.end()) {
      hit.condition = it->second.first;
      hit.matched = *it->second.second;
    }
  }
  return hit;
}

}  // namespace dystonia
