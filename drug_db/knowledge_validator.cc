#include "drug_db/knowledge_validator.h"

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "drug_db/condition_codes.h"
#include "drug_db/name_normalizer.h"
#include "drug_db/prose_markup.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "proto/vocabulary/phenotype_words.h"

namespace dystonia {
namespace {

constexpr int kMaxReportedProblems = 25;

bool IsWellFormedId(const std::string& id) {
  if (id.empty() || id.size() > 100) return false;
  for (char raw : id) {
    const unsigned char c = static_cast<unsigned char>(raw);
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-' ||
          c == '.')) {
      return false;
    }
  }
  return absl::ascii_isalnum(static_cast<unsigned char>(id.front()));
}

// Collects problems with where they were written.
class Problems {
 public:
  explicit Problems(const KnowledgeLocator* locator) : locator_(locator) {}

  void Add(EntryKind kind, int index, absl::string_view field, int field_index,
           absl::string_view what) {
    total_++;
    if (static_cast<int>(lines_.size()) >= kMaxReportedProblems) return;
    std::string where =
        locator_ == nullptr ? ""
                            : locator_->Locate(kind, index, field, field_index);
    lines_.push_back(where.empty() ? std::string(what)
                                   : absl::StrCat(where, ": ", what));
  }

  absl::Status ToStatus() const {
    if (lines_.empty()) return absl::OkStatus();
    std::string message = absl::StrJoin(lines_, "\n");
    if (total_ > static_cast<int>(lines_.size())) {
      absl::StrAppend(&message, "\n... and ",
                      total_ - static_cast<int>(lines_.size()),
                      " more problems");
    }
    return absl::InvalidArgumentError(message);
  }

 private:
  const KnowledgeLocator* locator_;
  std::vector<std::string> lines_;
  int total_ = 0;
};

class Validator {
 public:
  Validator(const v1::KnowledgeBundle& bundle, const KnowledgeLocator* locator)
      : bundle_(bundle), problems_(locator) {}

  absl::Status Run() {
    CheckManifest();
    CollectIds();
    for (int i = 0; i < bundle_.citation_size(); ++i) CheckCitation(i);
    for (int i = 0; i < bundle_.drug_class_size(); ++i) CheckClass(i);
    for (int i = 0; i < bundle_.drug_size(); ++i) CheckDrug(i);
    for (int i = 0; i < bundle_.modifier_size(); ++i) CheckModifier(i);
    for (int i = 0; i < bundle_.interaction_size(); ++i) CheckInteraction(i);
    for (int i = 0; i < bundle_.recommendation_size(); ++i) {
      CheckRecommendation(i);
    }
    for (int i = 0; i < bundle_.condition_size(); ++i) CheckCondition(i);
    for (int i = 0; i < bundle_.caution_size(); ++i) CheckCaution(i);
    CheckProse();
    return problems_.ToStatus();
  }

 private:
  void CheckManifest() {
    if (!bundle_.has_manifest() || bundle_.manifest().version().empty()) {
      problems_.Add(EntryKind::kManifest, 0, "", -1,
                    "manifest.version is missing");
    }
  }

  template <typename Entries>
  void CollectIdsOf(const Entries& entries, EntryKind kind,
                    absl::string_view what,
                    absl::flat_hash_set<std::string>* ids) {
    for (int i = 0; i < entries.size(); ++i) {
      const std::string& id = entries.Get(i).id();
      if (!IsWellFormedId(id)) {
        problems_.Add(kind, i, "id", -1,
                      absl::StrCat(what, " id '", id,
                                   "' is malformed (lower-case letters, "
                                   "digits, '-' and '.')"));
      } else if (!ids->insert(id).second) {
        problems_.Add(kind, i, "id", -1,
                      absl::StrCat(what, " id '", id, "' is defined twice"));
      }
    }
  }

  void CollectIds() {
    CollectIdsOf(bundle_.citation(), EntryKind::kCitation, "citation",
                 &citation_ids_);
    CollectIdsOf(bundle_.drug_class(), EntryKind::kDrugClass, "class",
                 &class_ids_);
    CollectIdsOf(bundle_.drug(), EntryKind::kDrug, "drug", &drug_ids_);
    CollectIdsOf(bundle_.condition(), EntryKind::kCondition, "condition",
                 &condition_ids_);
    for (const v1::DrugClass& drug_class : bundle_.drug_class()) {
      if (drug_class.atc_prefixes_size() == 0) continue;
      class_atc_prefixes_[drug_class.id()].assign(
          drug_class.atc_prefixes().begin(), drug_class.atc_prefixes().end());
    }
    absl::flat_hash_set<std::string> rule_ids;
    CollectIdsOf(bundle_.modifier(), EntryKind::kModifier, "modifier",
                 &rule_ids);
    CollectIdsOf(bundle_.interaction(), EntryKind::kInteraction,
                 "interaction", &rule_ids);
    CollectIdsOf(bundle_.recommendation(), EntryKind::kRecommendation,
                 "recommendation", &rule_ids);
    CollectIdsOf(bundle_.caution(), EntryKind::kCaution, "caution", &rule_ids);
  }

  void CheckConditionIds(
      const google::protobuf::RepeatedPtrField<std::string>& ids,
      EntryKind kind, int index, absl::string_view owner) {
    for (const std::string& id : ids) {
      if (!condition_ids_.contains(id)) {
        problems_.Add(kind, index, "", -1,
                      absl::StrCat(owner, ": unknown condition '", id, "'"));
      }
    }
  }

  // Problems are located at `field` element `field_index`, or at element j
  // of `field` (the citation's own position) when `field_index` is -1.
  template <typename Ids>
  void CheckCitationIds(const Ids& ids, EntryKind kind, int index,
                        absl::string_view field, absl::string_view owner,
                        bool required, int field_index = -1) {
    if (required && ids.empty()) {
      problems_.Add(kind, index, "", -1,
                    absl::StrCat(owner, ": no citation (", field,
                                 " is required)"));
    }
    for (int j = 0; j < ids.size(); ++j) {
      if (!citation_ids_.contains(ids.Get(j))) {
        problems_.Add(kind, index, field, field_index >= 0 ? field_index : j,
                      absl::StrCat(owner, ": unknown citation '", ids.Get(j),
                                   "'"));
      }
    }
  }

  void CheckScope(const v1::Scope& scope, EntryKind kind, int index,
                  absl::string_view owner) {
    for (const std::string& id : scope.class_ids()) {
      if (!class_ids_.contains(id)) {
        problems_.Add(kind, index, "", -1,
                      absl::StrCat(owner, ": unknown class '", id, "'"));
      }
    }
    for (const std::string& id : scope.drug_ids()) {
      if (!drug_ids_.contains(id)) {
        problems_.Add(kind, index, "", -1,
                      absl::StrCat(owner, ": unknown drug '", id, "'"));
      }
    }
  }

  void CheckCitation(int i) {
    const v1::Citation& citation = bundle_.citation(i);
    const std::string owner = absl::StrCat("citation '", citation.id(), "'");
    if (citation.kind() == v1::Citation::KIND_UNSPECIFIED) {
      problems_.Add(EntryKind::kCitation, i, "kind", -1,
                    absl::StrCat(owner, ": kind is missing"));
    }
    if (citation.title().empty()) {
      problems_.Add(EntryKind::kCitation, i, "title", -1,
                    absl::StrCat(owner, ": title is missing"));
    }
    if (citation.year() != 0 &&
        (citation.year() < 1900 || citation.year() > 2100)) {
      problems_.Add(EntryKind::kCitation, i, "year", -1,
                    absl::StrCat(owner, ": year ", citation.year(),
                                 " is not plausible"));
    }
    const std::string& url = citation.url();
    if (!url.empty() && url.rfind("https://", 0) != 0 &&
        url.rfind("http://", 0) != 0) {
      problems_.Add(EntryKind::kCitation, i, "url", -1,
                    absl::StrCat(owner, ": url '", url,
                                 "' is not an http(s) address"));
    }
    if (!citation.pmid().empty() && !IsWellFormedRxcui(citation.pmid())) {
      problems_.Add(EntryKind::kCitation, i, "pmid", -1,
                    absl::StrCat(owner, ": pmid '", citation.pmid(),
                                 "' is not a number"));
    }
    if (!citation.doi().empty() && citation.doi().rfind("10.", 0) != 0) {
      problems_.Add(EntryKind::kCitation, i, "doi", -1,
                    absl::StrCat(owner, ": doi '", citation.doi(),
                                 "' does not start with 10."));
    }
  }

  void CheckClass(int i) {
    const v1::DrugClass& drug_class = bundle_.drug_class(i);
    const std::string owner = absl::StrCat("class '", drug_class.id(), "'");
    if (drug_class.name().empty()) {
      problems_.Add(EntryKind::kDrugClass, i, "name", -1,
                    absl::StrCat(owner, ": name is missing"));
    }
    for (int j = 0; j < drug_class.atc_prefixes_size(); ++j) {
      if (!IsWellFormedAtcCode(drug_class.atc_prefixes(j))) {
        problems_.Add(EntryKind::kDrugClass, i, "atc_prefixes", j,
                      absl::StrCat(owner, ": ATC prefix '",
                                   drug_class.atc_prefixes(j),
                                   "' is malformed"));
      }
    }
    CheckCitationIds(drug_class.citation_ids(), EntryKind::kDrugClass, i,
                     "citation_ids", owner, /*required=*/false);
  }

  void CheckLiability(const v1::Liability& liability, int i,
                      const std::string& owner, absl::string_view which,
                      bool is_combination) {
    if (liability.level() == v1::RISK_LEVEL_UNSPECIFIED) {
      if (!is_combination) {
        problems_.Add(EntryKind::kDrug, i, which, -1,
                      absl::StrCat(owner, ": ", which, ".level is missing"));
      }
      return;
    }
    if (is_combination) {
      problems_.Add(EntryKind::kDrug, i, which, -1,
                    absl::StrCat(owner, ": a combination carries no ", which,
                                 " liability of its own (its ingredients do)"));
    }
    CheckCitationIds(liability.citation_ids(), EntryKind::kDrug, i, which,
                     absl::StrCat(owner, " ", which),
                     liability.level() > v1::RISK_LEVEL_NONE);
  }

  void ClaimName(const std::string& raw, absl::string_view kind_word,
                 const std::string& drug_id, int i, absl::string_view field,
                 int field_index, const std::string& key) {
    if (key.empty()) {
      problems_.Add(EntryKind::kDrug, i, field, field_index,
                    absl::StrCat("drug '", drug_id, "': ", kind_word, " '",
                                 raw, "' is empty"));
      return;
    }
    auto [it, inserted] = claimed_names_.emplace(key, drug_id);
    if (!inserted && it->second != drug_id) {
      problems_.Add(EntryKind::kDrug, i, field, field_index,
                    absl::StrCat("drug '", drug_id, "': ", kind_word, " '", raw,
                                 "' is already claimed by drug '", it->second,
                                 "'"));
    }
  }

  // A class with ATC prefixes implies its members' codes: a drug that has
  // codes needs one under the class's prefixes. A drug with no verified code
  // cannot be checked.
  bool HasCodeUnderClassPrefix(const v1::Drug& drug,
                               const std::string& class_id) const {
    auto prefixes = class_atc_prefixes_.find(class_id);
    if (prefixes == class_atc_prefixes_.end() || drug.atc_codes().empty()) {
      return true;
    }
    for (const std::string& code : drug.atc_codes()) {
      for (const std::string& prefix : prefixes->second) {
        if (absl::StartsWith(code, prefix)) return true;
      }
    }
    return false;
  }

  void CheckDrug(int i) {
    const v1::Drug& drug = bundle_.drug(i);
    const std::string owner = absl::StrCat("drug '", drug.id(), "'");
    const bool is_combination = drug.ingredient_ids_size() > 0;
    if (drug.name().empty()) {
      problems_.Add(EntryKind::kDrug, i, "name", -1,
                    absl::StrCat(owner, ": name is missing"));
    }
    ClaimName(drug.name(), "name", drug.id(), i, "name", -1,
              NormalizeName(drug.name()));
    for (int j = 0; j < drug.synonyms_size(); ++j) {
      ClaimName(drug.synonyms(j), "synonym", drug.id(), i, "synonyms", j,
                NormalizeName(drug.synonyms(j)));
    }
    for (int j = 0; j < drug.brands_size(); ++j) {
      ClaimName(drug.brands(j), "brand", drug.id(), i, "brands", j,
                NormalizeName(drug.brands(j)));
    }
    for (int j = 0; j < drug.forms_size(); ++j) {
      const v1::FormName& form = drug.forms(j);
      ClaimName(form.name(), "form", drug.id(), i, "forms", j,
                NormalizeName(form.name()));
      if (form.route() == v1::ROUTE_UNSPECIFIED) {
        problems_.Add(EntryKind::kDrug, i, "forms", j,
                      absl::StrCat(owner, ": form '", form.name(),
                                   "' needs the route it implies"));
      }
    }
    for (int j = 0; j < drug.rxcuis_size(); ++j) {
      if (!IsWellFormedRxcui(drug.rxcuis(j))) {
        problems_.Add(EntryKind::kDrug, i, "rxcuis", j,
                      absl::StrCat(owner, ": RxCUI '", drug.rxcuis(j),
                                   "' is malformed (1 to 9 digits)"));
      }
      ClaimName(drug.rxcuis(j), "RxCUI", drug.id(), i, "rxcuis", j,
                absl::StrCat("rxcui:", drug.rxcuis(j)));
    }
    for (int j = 0; j < drug.atc_codes_size(); ++j) {
      if (!IsWellFormedAtcCode(drug.atc_codes(j)) ||
          drug.atc_codes(j).size() != 7) {
        problems_.Add(EntryKind::kDrug, i, "atc_codes", j,
                      absl::StrCat(owner, ": ATC code '", drug.atc_codes(j),
                                   "' is malformed (e.g. N05AD01)"));
      }
      ClaimName(drug.atc_codes(j), "ATC code", drug.id(), i, "atc_codes", j,
                absl::StrCat("atc:", drug.atc_codes(j)));
    }
    for (int j = 0; j < drug.products_size(); ++j) {
      const v1::ProductCode& product = drug.products(j);
      const bool rxnorm = product.system() == v1::ProductCode::RXNORM;
      const bool well_formed =
          rxnorm ? IsWellFormedRxcui(product.code())
                 : product.system() == v1::ProductCode::NDC &&
                       product.code().size() == 11 &&
                       NdcCandidates(product.code()).size() == 1;
      if (!well_formed) {
        problems_.Add(EntryKind::kDrug, i, "products", j,
                      absl::StrCat(owner, ": product code '", product.code(),
                                   "' is not an RxCUI or an 11-digit NDC "
                                   "(system ",
                                   v1::ProductCode::System_Name(
                                       product.system()),
                                   ")"));
        continue;
      }
      ClaimName(product.code(), rxnorm ? "RxCUI" : "NDC", drug.id(), i,
                "products", j,
                absl::StrCat(rxnorm ? "rxcui:" : "ndc:", product.code()));
    }
    for (int j = 0; j < drug.class_ids_size(); ++j) {
      if (!class_ids_.contains(drug.class_ids(j))) {
        problems_.Add(EntryKind::kDrug, i, "class_ids", j,
                      absl::StrCat(owner, ": unknown class '",
                                   drug.class_ids(j), "'"));
      } else if (!HasCodeUnderClassPrefix(drug, drug.class_ids(j))) {
        problems_.Add(
            EntryKind::kDrug, i, "class_ids", j,
            absl::StrCat(owner, ": no ATC code (",
                         absl::StrJoin(drug.atc_codes(), ", "),
                         ") starts with a prefix of class '",
                         drug.class_ids(j), "' (",
                         absl::StrJoin(class_atc_prefixes_[drug.class_ids(j)],
                                       ", "),
                         ")"));
      }
    }
    CheckLiability(drug.acute(), i, owner, "acute", is_combination);
    CheckLiability(drug.tardive(), i, owner, "tardive", is_combination);
    for (int j = 0; j < drug.route_liabilities_size(); ++j) {
      const v1::RouteLiability& route = drug.route_liabilities(j);
      if (route.route() == v1::ROUTE_UNSPECIFIED) {
        problems_.Add(EntryKind::kDrug, i, "route_liabilities", j,
                      absl::StrCat(owner, ": route_liabilities[", j,
                                   "].route is missing"));
      }
      for (const v1::Liability* liability : {&route.acute(), &route.tardive()}) {
        if (liability->level() == v1::RISK_LEVEL_UNSPECIFIED) continue;
        CheckCitationIds(liability->citation_ids(), EntryKind::kDrug, i,
                         "route_liabilities",
                         absl::StrCat(owner, " route ",
                                      v1::Route_Name(route.route())),
                         liability->level() > v1::RISK_LEVEL_NONE, j);
      }
    }
    for (int j = 0; j < drug.dose_thresholds_size(); ++j) {
      const v1::DoseThreshold& threshold = drug.dose_thresholds(j);
      if (threshold.syndrome() == v1::SYNDROME_UNSPECIFIED ||
          !(threshold.daily_dose_mg() > 0 ||
            threshold.daily_dose_mg_per_kg() > 0) ||
          threshold.daily_dose_mg() < 0 ||
          threshold.daily_dose_mg_per_kg() < 0) {
        problems_.Add(EntryKind::kDrug, i, "dose_thresholds", j,
                      absl::StrCat(owner, ": dose_thresholds[", j,
                                   "] needs a syndrome and a positive dose "
                                   "(daily_dose_mg or daily_dose_mg_per_kg)"));
      }
      CheckCitationIds(threshold.citation_ids(), EntryKind::kDrug, i,
                       "dose_thresholds",
                       absl::StrCat(owner, " dose threshold"), true, j);
    }
    for (int j = 0; j < drug.ingredient_ids_size(); ++j) {
      const std::string& ingredient = drug.ingredient_ids(j);
      if (ingredient == drug.id() || !drug_ids_.contains(ingredient)) {
        problems_.Add(EntryKind::kDrug, i, "ingredient_ids", j,
                      absl::StrCat(owner, ": ingredient '", ingredient,
                                   "' is not another defined drug"));
      }
    }
  }

  void CheckModifier(int i) {
    const v1::RiskModifier& modifier = bundle_.modifier(i);
    const std::string owner = absl::StrCat("modifier '", modifier.id(), "'");
    if (modifier.syndrome() == v1::SYNDROME_UNSPECIFIED ||
        modifier.kind() == v1::RiskModifier::KIND_UNSPECIFIED) {
      problems_.Add(EntryKind::kModifier, i, "", -1,
                    absl::StrCat(owner, ": syndrome and kind are required"));
    }
    if (modifier.steps() == 0 || modifier.factor().empty()) {
      problems_.Add(EntryKind::kModifier, i, "", -1,
                    absl::StrCat(owner, ": steps (non-zero) and factor are "
                                        "required"));
    }
    const auto& condition = modifier.condition();
    if (condition.min_age_years() < 0 || condition.max_age_years() < 0 ||
        (condition.max_age_years() > 0 &&
         condition.max_age_years() <= condition.min_age_years())) {
      problems_.Add(EntryKind::kModifier, i, "condition", -1,
                    absl::StrCat(owner, ": age range is empty or negative"));
    }
    CheckScope(modifier.scope(), EntryKind::kModifier, i, owner);
    CheckScope(condition.co_medication(), EntryKind::kModifier, i, owner);
    CheckConditionIds(condition.patient_condition_ids(), EntryKind::kModifier,
                      i, owner);
    CheckCitationIds(modifier.citation_ids(), EntryKind::kModifier, i,
                     "citation_ids", owner, true);
  }

  void CheckInteraction(int i) {
    const v1::Interaction& interaction = bundle_.interaction(i);
    const std::string owner =
        absl::StrCat("interaction '", interaction.id(), "'");
    auto empty = [](const v1::Scope& scope) {
      return scope.class_ids().empty() && scope.drug_ids().empty();
    };
    if (empty(interaction.substrate()) || empty(interaction.perpetrator())) {
      problems_.Add(EntryKind::kInteraction, i, "", -1,
                    absl::StrCat(owner, ": substrate and perpetrator are "
                                        "required"));
    }
    if (interaction.level() <= v1::RISK_LEVEL_NONE ||
        interaction.advice().empty()) {
      problems_.Add(EntryKind::kInteraction, i, "", -1,
                    absl::StrCat(owner, ": level (above NONE) and advice are "
                                        "required"));
    }
    CheckScope(interaction.substrate(), EntryKind::kInteraction, i, owner);
    CheckScope(interaction.perpetrator(), EntryKind::kInteraction, i, owner);
    CheckCitationIds(interaction.citation_ids(), EntryKind::kInteraction, i,
                     "citation_ids", owner, true);
  }

  void CheckRecommendation(int i) {
    const v1::Recommendation& recommendation = bundle_.recommendation(i);
    const std::string owner =
        absl::StrCat("recommendation '", recommendation.id(), "'");
    if (recommendation.syndrome() == v1::SYNDROME_UNSPECIFIED ||
        recommendation.text().empty()) {
      problems_.Add(EntryKind::kRecommendation, i, "", -1,
                    absl::StrCat(owner, ": syndrome and text are required"));
    }
    CheckScope(recommendation.scope(), EntryKind::kRecommendation, i, owner);
    CheckCitationIds(recommendation.citation_ids(), EntryKind::kRecommendation,
                     i, "citation_ids", owner, true);
  }

  void CheckCondition(int i) {
    const v1::ClinicalCondition& condition = bundle_.condition(i);
    const std::string owner =
        absl::StrCat("condition '", condition.id(), "'");
    if (condition.name().empty()) {
      problems_.Add(EntryKind::kCondition, i, "name", -1,
                    absl::StrCat(owner, ": name is missing"));
    }
    auto claim = [&](const std::string& raw, absl::string_view field, int j) {
      const std::string key = NormalizeConditionName(raw);
      if (key.empty()) {
        problems_.Add(EntryKind::kCondition, i, field, j,
                      absl::StrCat(owner, ": name '", raw, "' is empty"));
        return;
      }
      auto [it, inserted] = claimed_conditions_.emplace(key, condition.id());
      if (!inserted && it->second != condition.id()) {
        problems_.Add(EntryKind::kCondition, i, field, j,
                      absl::StrCat(owner, ": '", raw,
                                   "' is already claimed by condition '",
                                   it->second, "'"));
      }
    };
    claim(condition.name(), "name", -1);
    for (int j = 0; j < condition.synonyms_size(); ++j) {
      claim(condition.synonyms(j), "synonyms", j);
    }
    for (int j = 0; j < condition.codes_size(); ++j) {
      const v1::ConditionCode& code = condition.codes(j);
      if (!IsKnownConditionCodeSystem(code.system()) ||
          !IsWellFormedConditionCode(code.system(), code.code())) {
        problems_.Add(EntryKind::kCondition, i, "codes", j,
                      absl::StrCat(owner, ": code '", code.system(), "|",
                                   code.code(),
                                   "' is not a well-formed SNOMED CT, "
                                   "ICD-10-CM or ICD-10 code"));
        continue;
      }
      auto [it, inserted] = claimed_condition_codes_.emplace(
          absl::StrCat(code.system(), "|",
                       NormalizeConditionCode(code.system(), code.code())),
          condition.id());
      if (!inserted && it->second != condition.id()) {
        problems_.Add(EntryKind::kCondition, i, "codes", j,
                      absl::StrCat(owner, ": code '", code.code(),
                                   "' is already claimed by condition '",
                                   it->second, "'"));
      }
    }
    if (condition.prior_drug_induced_dystonia() &&
        ++prior_dystonia_conditions_ > 1) {
      problems_.Add(EntryKind::kCondition, i, "prior_drug_induced_dystonia",
                    -1,
                    absl::StrCat(owner,
                                 ": only one condition may stand for the "
                                 "prior_drug_induced_dystonia flag (use "
                                 "implies_prior_drug_induced_dystonia)"));
    }
    CheckCitationIds(condition.citation_ids(), EntryKind::kCondition, i,
                     "citation_ids", owner, /*required=*/false);
  }

  void CheckCaution(int i) {
    const v1::Caution& caution = bundle_.caution(i);
    const std::string owner = absl::StrCat("caution '", caution.id(), "'");
    const v1::Scope& drugs = caution.drugs();
    if (drugs.class_ids().empty() && drugs.drug_ids().empty()) {
      problems_.Add(EntryKind::kCaution, i, "drugs", -1,
                    absl::StrCat(owner, ": drugs is required"));
    }
    const v1::Scope& co_medication = caution.co_medication();
    const bool has_co_medication =
        !co_medication.class_ids().empty() || !co_medication.drug_ids().empty();
    const bool has_phenotype = caution.has_phenotype();
    // A phenotype may narrow a co-medication (aripiprazole in a CYP2D6 poor
    // metabolizer taking a strong CYP3A4 inhibitor): together they are one
    // trigger.
    const int triggers = (caution.condition_ids().empty() ? 0 : 1) +
                         (caution.below_age_years() > 0 ? 1 : 0) +
                         (has_co_medication || has_phenotype ? 1 : 0);
    if (triggers != 1 || caution.below_age_years() < 0) {
      problems_.Add(EntryKind::kCaution, i, "", -1,
                    absl::StrCat(owner,
                                 ": exactly one trigger is required "
                                 "(condition_ids, below_age_years, "
                                 "co_medication or phenotype)"));
    }
    if (has_phenotype) CheckPhenotypeTrigger(i, owner);
    if (caution.raises_exposure() && !has_phenotype) {
      problems_.Add(EntryKind::kCaution, i, "raises_exposure", -1,
                    absl::StrCat(owner,
                                 ": raises_exposure needs a phenotype "
                                 "trigger"));
    }
    if (caution.level() <= v1::RISK_LEVEL_NONE) {
      problems_.Add(EntryKind::kCaution, i, "level", -1,
                    absl::StrCat(owner, ": level above NONE is required"));
    }
    if (caution.contraindicated() &&
        (caution.level() != v1::RISK_LEVEL_HIGH ||
         caution.label_section().empty() || caution.jurisdiction().empty())) {
      problems_.Add(EntryKind::kCaution, i, "contraindicated", -1,
                    absl::StrCat(owner,
                                 ": a contraindication is level HIGH and "
                                 "names its jurisdiction and label_section"));
    }
    if (caution.statement().empty()) {
      problems_.Add(EntryKind::kCaution, i, "statement", -1,
                    absl::StrCat(owner, ": statement is required"));
    }
    CheckScope(drugs, EntryKind::kCaution, i, owner);
    CheckScope(co_medication, EntryKind::kCaution, i, owner);
    CheckConditionIds(caution.condition_ids(), EntryKind::kCaution, i, owner);
    CheckCitationIds(caution.citation_ids(), EntryKind::kCaution, i,
                     "citation_ids", owner, true);
  }

  // The gene is written as its HGNC symbol ("CYP2D6"), the form requests
  // send, and the phenotypes are the laboratory's terms, never unspecified.
  void CheckPhenotypeTrigger(int i, const std::string& owner) {
    const v1::PhenotypeTrigger& trigger = bundle_.caution(i).phenotype();
    if (!IsWellFormedGeneSymbol(trigger.gene())) {
      problems_.Add(EntryKind::kCaution, i, "phenotype", -1,
                    absl::StrCat(owner,
                                 ": phenotype.gene must be an HGNC symbol "
                                 "(upper-case letters and digits, e.g. "
                                 "CYP2D6)"));
    }
    if (trigger.phenotypes().empty()) {
      problems_.Add(EntryKind::kCaution, i, "phenotype", -1,
                    absl::StrCat(owner, ": phenotype.phenotypes is required"));
    }
    for (int phenotype : trigger.phenotypes()) {
      if (phenotype == v1::PharmacogenomicResult::PHENOTYPE_UNSPECIFIED ||
          phenotype == v1::PharmacogenomicResult::INDETERMINATE ||
          !v1::PharmacogenomicResult::Phenotype_IsValid(phenotype)) {
        problems_.Add(EntryKind::kCaution, i, "phenotype", -1,
                      absl::StrCat(owner,
                                   ": phenotype.phenotypes names a phenotype "
                                   "(POOR, INTERMEDIATE, NORMAL, RAPID, "
                                   "ULTRARAPID)"));
      }
    }
  }

  // Every text of every entry reaches CDS Hooks cards (card_text.h escapes
  // it there); markup in it is refused at the source, naming the entry and
  // the field.
  void CheckProse() {
    if (bundle_.has_manifest()) {
      CheckProseOf(bundle_.manifest(), EntryKind::kManifest, 0, "manifest");
    }
    CheckProseOfAll(bundle_.citation(), EntryKind::kCitation, "citation");
    CheckProseOfAll(bundle_.drug_class(), EntryKind::kDrugClass, "class");
    CheckProseOfAll(bundle_.drug(), EntryKind::kDrug, "drug");
    CheckProseOfAll(bundle_.modifier(), EntryKind::kModifier, "modifier");
    CheckProseOfAll(bundle_.interaction(), EntryKind::kInteraction,
                    "interaction");
    CheckProseOfAll(bundle_.recommendation(), EntryKind::kRecommendation,
                    "recommendation");
    CheckProseOfAll(bundle_.condition(), EntryKind::kCondition, "condition");
    CheckProseOfAll(bundle_.caution(), EntryKind::kCaution, "caution");
  }

  template <typename Entries>
  void CheckProseOfAll(const Entries& entries, EntryKind kind,
                       absl::string_view what) {
    for (int i = 0; i < entries.size(); ++i) {
      CheckProseOf(entries.Get(i), kind, i,
                   absl::StrCat(what, " '", entries.Get(i).id(), "'"));
    }
  }

  void CheckProseOf(const google::protobuf::Message& entry, EntryKind kind,
                    int index, const std::string& owner) {
    CheckProseFields(entry, kind, index, owner, "", -1, "");
  }

  // Walks every string field of `message` (and of its sub-messages);
  // `top_field`/`top_index` locate the entry's own field for the locator,
  // `path` names the nested field in the message ("route_liabilities[0].
  // liability.note").
  void CheckProseFields(const google::protobuf::Message& message,
                        EntryKind kind, int index, const std::string& owner,
                        const std::string& top_field, int top_index,
                        const std::string& path) {
    using google::protobuf::FieldDescriptor;
    const google::protobuf::Reflection* reflection = message.GetReflection();
    std::vector<const FieldDescriptor*> fields;
    reflection->ListFields(message, &fields);
    for (const FieldDescriptor* field : fields) {
      const bool repeated = field->is_repeated();
      const int count = repeated ? reflection->FieldSize(message, field) : 1;
      for (int j = 0; j < count; ++j) {
        const std::string name =
            repeated ? absl::StrCat(path, field->name(), "[", j, "]")
                     : absl::StrCat(path, field->name());
        const std::string& located_field =
            top_field.empty() ? field->name() : top_field;
        const int located_index =
            top_field.empty() ? (repeated ? j : -1) : top_index;
        if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
          CheckProseFields(
              repeated ? reflection->GetRepeatedMessage(message, field, j)
                       : reflection->GetMessage(message, field),
              kind, index, owner, located_field, located_index,
              absl::StrCat(name, "."));
          continue;
        }
        if (field->cpp_type() != FieldDescriptor::CPPTYPE_STRING) continue;
        const std::string text =
            repeated ? reflection->GetRepeatedString(message, field, j)
                     : reflection->GetString(message, field);
        const std::string markup = FindProseMarkup(text);
        if (markup.empty()) continue;
        problems_.Add(kind, index, located_field, located_index,
                      absl::StrCat(owner, ": ", name, " holds ", markup,
                                   "; knowledge-base text is plain prose "
                                   "(no HTML, markdown links or images, or "
                                   "script addresses)"));
      }
    }
  }

  const v1::KnowledgeBundle& bundle_;
  Problems problems_;
  absl::flat_hash_set<std::string> condition_ids_;
  int prior_dystonia_conditions_ = 0;
  // Normalized condition name or synonym -> the condition claiming it.
  absl::flat_hash_map<std::string, std::string> claimed_conditions_;
  // "system|code" -> the condition claiming it.
  absl::flat_hash_map<std::string, std::string> claimed_condition_codes_;
  absl::flat_hash_set<std::string> citation_ids_;
  absl::flat_hash_set<std::string> class_ids_;
  absl::flat_hash_set<std::string> drug_ids_;
  // Normalized name, brand or "rxcui:"/"atc:" code -> the drug claiming it.
  absl::flat_hash_map<std::string, std::string> claimed_names_;
  absl::flat_hash_map<std::string, std::vector<std::string>>
      class_atc_prefixes_;
};

}  // namespace

absl::Status ValidateKnowledge(const v1::KnowledgeBundle& bundle,
                               const KnowledgeLocator* locator) {
  return Validator(bundle, locator).Run();
}

}  // namespace dystonia
