#include "service/engine/risk_engine.h"

#include <algorithm>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "proto/vocabulary/enum_words.h"
#include "proto/vocabulary/phenotype_words.h"
#include "service/engine/name_resolver.h"
#include "service/engine/patient_phenotypes.h"
#include "service/engine/request_validator.h"
#include "service/engine/utf8_text.h"

namespace dystonia {
namespace {

using v1::Finding;
using v1::RiskLevel;

// One drug judged for one medication; a combination product yields one per
// ingredient, all pointing at the same medication index.
struct Judged {
  int medication_index = 0;
  const v1::Medication* medication = nullptr;
  int drug_index = -1;
  const DrugEntry* entry = nullptr;
  v1::Route route = v1::ROUTE_UNSPECIFIED;
  bool active = false;
  int days_on_therapy = 0;
  bool in_acute_window = false;
  // "new start", "dose increased 3 days ago", ...
  std::string phase;
  // What raises this drug's exposure: an interaction where it is the
  // substrate, or a metabolizer phenotype whose source says so. Each raises
  // the acute level one step.
  struct ExposureRaise {
    // "paroxetine (CYP2D6)", "CYP2D6 poor metabolizer".
    std::string by;
    const google::protobuf::RepeatedPtrField<std::string>* citation_ids;
    // For a phenotype: its position in Patient.pharmacogenomics; else -1.
    int pharmacogenomic_index = -1;
  };
  std::vector<ExposureRaise> raises;
  // A phenotype that raises this drug's exposure, by gene, with the finding
  // that says so: an inhibitor of the same enzyme is counted there, once.
  std::vector<std::pair<std::string, Finding*>> phenotype_raises;
};

absl::string_view RouteWord(v1::Route route) {
  switch (route) {
    case v1::ROUTE_ORAL:
      return "oral";
    case v1::ROUTE_INTRAMUSCULAR:
      return "intramuscular";
    case v1::ROUTE_INTRAVENOUS:
      return "intravenous";
    case v1::ROUTE_LONG_ACTING_INJECTABLE:
      return "long-acting injectable";
    case v1::ROUTE_RECTAL:
      return "rectal";
    case v1::ROUTE_TRANSDERMAL:
      return "transdermal";
    case v1::ROUTE_SUBLINGUAL:
      return "sublingual";
    case v1::ROUTE_OTHER:
      return "other route";
    default:
      return "";
  }
}

absl::string_view EvidenceWords(v1::EvidenceLevel evidence) {
  switch (evidence) {
    case v1::EVIDENCE_LEVEL_LABELED_WARNING:
      return "labelled warning";
    case v1::EVIDENCE_LEVEL_META_ANALYSIS:
      return "meta-analysis or trials";
    case v1::EVIDENCE_LEVEL_OBSERVATIONAL:
      return "observational studies";
    case v1::EVIDENCE_LEVEL_CASE_REPORTS:
      return "case reports";
    case v1::EVIDENCE_LEVEL_NO_KNOWN_ASSOCIATION:
      return "no known association";
    default:
      return "evidence level not recorded";
  }
}

absl::string_view SexWord(v1::Sex sex) {
  switch (sex) {
    case v1::SEX_FEMALE:
      return "female";
    case v1::SEX_MALE:
      return "male";
    default:
      return "sex not given";
  }
}

std::string FormatAge(double age_years) {
  if (age_years < 2) {
    return absl::StrFormat("%d months", static_cast<int>(age_years * 12));
  }
  return absl::StrFormat("%d years", static_cast<int>(age_years));
}

RiskLevel Clamp(int level) {
  return static_cast<RiskLevel>(
      std::clamp(level, static_cast<int>(v1::RISK_LEVEL_LOW),
                 static_cast<int>(v1::RISK_LEVEL_HIGH)));
}

// Writes a finding's summary in place: a reused response keeps the string's
// capacity, so this allocates nothing after the first check on a thread.
template <typename... Pieces>
void SetSummary(Finding* finding, const Pieces&... pieces) {
  std::string* summary = finding->mutable_summary();
  summary->clear();
  absl::StrAppend(summary, pieces...);
  TruncateUtf8(summary, RiskEngine::kMaxSummaryLength);
}

template <typename... Pieces>
void SetId(Finding* finding, const Pieces&... pieces) {
  std::string* id = finding->mutable_id();
  id->clear();
  absl::StrAppend(id, pieces...);
}

// The drug's liability for `syndrome`, taking a route-specific one if the
// knowledge base has it.
const v1::Liability& LiabilityFor(const v1::Drug& drug, int syndrome,
                                  v1::Route route) {
  for (const v1::RouteLiability& by_route : drug.route_liabilities()) {
    if (by_route.route() != route) continue;
    const v1::Liability& liability =
        syndrome == kAcute ? by_route.acute() : by_route.tardive();
    if (liability.level() != v1::RISK_LEVEL_UNSPECIFIED) return liability;
  }
  return syndrome == kAcute ? drug.acute() : drug.tardive();
}

const v1::DoseThreshold* ThresholdFor(const v1::Drug& drug, int syndrome) {
  const v1::Syndrome wanted =
      syndrome == kAcute ? v1::SYNDROME_ACUTE_DYSTONIA : v1::SYNDROME_TARDIVE;
  for (const v1::DoseThreshold& threshold : drug.dose_thresholds()) {
    if (threshold.syndrome() == wanted) return &threshold;
  }
  return nullptr;
}

// How a view carries the sources of its findings.
enum class CitationMode {
  kNone,     // BASIC: none.
  kInline,   // FULL: each finding carries its citations in full.
  kByIds,    // COMPACT: each finding names its citations' ids; the response
             // carries each cited source once.
};

CitationMode CitationModeOf(v1::CheckView view) {
  switch (view) {
    case v1::CHECK_VIEW_BASIC:
      return CitationMode::kNone;
    case v1::CHECK_VIEW_COMPACT:
      return CitationMode::kByIds;
    default:
      return CitationMode::kInline;
  }
}

// The sources a COMPACT response carries, each once, in first-cited order.
class ResponseCitations {
 public:
  explicit ResponseCitations(v1::CheckResponse* response)
      : response_(response) {}

  void Add(const v1::Citation* citation) {
    // An answer cites a few dozen sources: a linear scan beats hashing.
    if (std::find(seen_.begin(), seen_.end(), citation) != seen_.end()) return;
    seen_.push_back(citation);
    *response_->add_citations() = *citation;
  }

 private:
  v1::CheckResponse* response_;
  absl::InlinedVector<const v1::Citation*, 32> seen_;
};

// Adds citations to a finding once each, in first-seen order: in full
// (FULL), by id with the source in the response (COMPACT), or not at all
// (BASIC).
class CitationList {
 public:
  CitationList(const KnowledgeSnapshot& knowledge, Finding* finding,
               CitationMode mode, ResponseCitations* response_citations)
      : knowledge_(knowledge),
        finding_(finding),
        mode_(mode),
        response_citations_(response_citations) {}

  // The sources of one claim, its labels first: a pharmacist checks the
  // drug's own label before the comparative evidence.
  void AddAll(const google::protobuf::RepeatedPtrField<std::string>& ids) {
    if (mode_ == CitationMode::kNone) return;
    absl::InlinedVector<const v1::Citation*, 8> claim;
    if (const auto* resolved = knowledge_.ResolvedCitations(ids)) {
      claim.assign(resolved->begin(), resolved->end());
    } else {
      for (const std::string& id : ids) claim.push_back(knowledge_.FindCitation(id));
    }
    for (bool labels : {true, false}) {
      for (const v1::Citation* citation : claim) {
        if (citation != nullptr &&
            (citation->kind() == v1::Citation::LABEL) == labels) {
          Add(citation);
        }
      }
    }
  }

  void Add(const v1::Citation* citation) {
    if (citation == nullptr || mode_ == CitationMode::kNone) return;
    // A finding cites a handful of sources: a linear scan beats hashing. The
    // finding may already hold some (a caution finding gains an
    // interaction's sources later).
    if (mode_ == CitationMode::kInline) {
      for (const v1::Citation& cited : finding_->citations()) {
        if (cited.id() == citation->id()) return;
      }
      *finding_->add_citations() = *citation;
      return;
    }
    for (const std::string& id : finding_->citation_ids()) {
      if (id == citation->id()) return;
    }
    finding_->add_citation_ids(citation->id());
    response_citations_->Add(citation);
  }

 private:
  const KnowledgeSnapshot& knowledge_;
  Finding* finding_;
  const CitationMode mode_;
  ResponseCitations* response_citations_;
};

// A short source label for a factor line: the citation's title when short,
// else its publisher and year.
std::string SourceLabel(
    const KnowledgeSnapshot& knowledge,
    const google::protobuf::RepeatedPtrField<std::string>& citation_ids) {
  if (citation_ids.empty()) return "";
  const v1::Citation* citation = knowledge.FindCitation(citation_ids[0]);
  if (citation == nullptr) return "";
  if (citation->title().size() <= 60) {
    return absl::StrCat(" (", citation->title(), ")");
  }
  if (citation->year() > 0) {
    return absl::StrCat(" (", citation->publisher(), " ", citation->year(),
                        ")");
  }
  return absl::StrCat(" (", citation->publisher(), ")");
}

// A recognized condition of the patient: its ClinicalCondition index and its
// position in Patient.conditions (-1 when it stands for the request's
// prior_drug_induced_dystonia flag).
struct PatientCondition {
  int condition = -1;
  int request_index = -1;
};

// One caution that applies, before the strongest per subject is kept.
struct CautionHit {
  const v1::Caution* caution = nullptr;
  Finding::Kind kind = Finding::KIND_UNSPECIFIED;
  const Judged* judged = nullptr;
  // The other medication, for DRUG_COMBINATION.
  const Judged* partner = nullptr;
  // The matched condition, for DRUG_CONDITION.
  const PatientCondition* condition = nullptr;
  // The matched pharmacogenomic result, for DRUG_PHENOTYPE.
  const PatientPhenotype* phenotype = nullptr;
  // A phenotype statement of this subject that says the phenotype raises
  // the drug's exposure: it holds whichever statement speaks for the
  // subject (the quarter dose with a co-medication need not repeat it).
  const v1::Caution* raising = nullptr;
  // What the hit is about: one drug and one condition, one drug and the
  // age, or one pair of medications. Only the strongest hit per subject
  // becomes a finding.
  std::tuple<int, int, int> subject;
};

std::pair<int, int> OrderedPair(int a, int b) {
  return a < b ? std::make_pair(a, b) : std::make_pair(b, a);
}

class Assessment {
 public:
  Assessment(const KnowledgeSnapshot& knowledge,
             const v1::CheckRequest& request, v1::CheckResponse* response)
      : knowledge_(knowledge),
        request_(request),
        patient_(request.patient()),
        response_(response),
        full_(request.view() != v1::CHECK_VIEW_BASIC),
        citation_mode_(CitationModeOf(request.view())),
        response_citations_(response) {}

  void Run() {
    response_->set_request_id(request_.request_id());
    response_->set_knowledge_base_version(knowledge_.version());
    ResolveConditions();
    phenotypes_.emplace(knowledge_, patient_, response_);
    ResolveMedications();
    JudgeCautions();
    FindInteractions();
    FindProphylaxis();
    for (const Judged& judged : judged_) {
      JudgeAcute(judged);
      JudgeTardive(judged);
    }
    JudgeDuplicateBlockade();
    AddProphylaxisFinding();
    SortFindings();
    Summarize();
    phenotypes_->Account(response_);
  }

 private:
  const DrugEntry& DrugOf(int index) const { return knowledge_.drugs()[index]; }
  const std::string& NameOf(const Judged& judged) const {
    return judged.entry->drug->name();
  }

  void ResolveConditions() {
    prior_dystonia_ = patient_.prior_drug_induced_dystonia();
    const ConditionIndex& index = knowledge_.conditions();
    for (int i = 0; i < patient_.conditions_size(); ++i) {
      const v1::Condition& condition = patient_.conditions(i);
      const ConditionHit hit =
          index.Find(condition.text(), condition.system(), condition.code());
      if (hit.condition < 0) {
        v1::UnrecognizedCondition* unrecognized =
            response_->add_unrecognized_conditions();
        unrecognized->set_condition_index(i);
        unrecognized->set_text(
            !condition.text().empty()
                ? condition.text()
                : absl::StrCat(condition.system(), "|", condition.code()));
        continue;
      }
      const v1::ClinicalCondition& known = knowledge_.condition(hit.condition);
      v1::AssessedCondition* assessed = response_->add_assessed_conditions();
      assessed->set_condition_index(i);
      assessed->set_condition_id(known.id());
      assessed->set_name(known.name());
      assessed->set_match_kind(hit.by_code ? v1::AssessedCondition::CODE
                                           : v1::AssessedCondition::TEXT);
      assessed->set_matched(hit.matched);
      assessed->set_affects_judgement(index.AffectsJudgement(hit.condition));
      patient_conditions_.push_back({hit.condition, i});
      prior_dystonia_ |= known.prior_drug_induced_dystonia() ||
                         known.implies_prior_drug_induced_dystonia();
    }
    // The request's flag counts as the condition it stands for.
    const int flagged = index.prior_dystonia_condition();
    if (patient_.prior_drug_induced_dystonia() && flagged >= 0 &&
        std::none_of(patient_conditions_.begin(), patient_conditions_.end(),
                     [flagged](const PatientCondition& had) {
                       return had.condition == flagged;
                     })) {
      patient_conditions_.push_back({flagged, -1});
    }
  }

  // The first of the patient's conditions whose id is in `ids`, or -1.
  int FirstPatientCondition(
      const google::protobuf::RepeatedPtrField<std::string>& ids) const {
    const PatientCondition* found = FindPatientCondition(ids);
    return found == nullptr ? -1 : found->condition;
  }
  const PatientCondition* FindPatientCondition(
      const google::protobuf::RepeatedPtrField<std::string>& ids) const {
    for (const PatientCondition& had : patient_conditions_) {
      const std::string& id = knowledge_.condition(had.condition).id();
      for (const auto& wanted : ids) {
        if (id == wanted) return &had;
      }
    }
    return nullptr;
  }

  void ResolveMedications() {
    for (int i = 0; i < request_.medications_size(); ++i) {
      const v1::Medication& medication = request_.medications(i);
      Resolution resolution = NameResolver::Resolve(knowledge_, medication);
      if (resolution.drug < 0) {
        v1::UnrecognizedMedication* unrecognized =
            response_->add_unrecognized();
        unrecognized->set_medication_index(i);
        const std::string& shown =
            !medication.name().empty()    ? medication.name()
            : !medication.rxcui().empty() ? medication.rxcui()
            : !medication.ndc().empty()   ? medication.ndc()
                                          : medication.atc_code();
        unrecognized->set_name(shown);
        for (std::string& suggestion :
             NameResolver::Suggest(knowledge_, medication.name())) {
          unrecognized->add_suggestions(std::move(suggestion));
        }
        continue;
      }
      const DrugEntry& product = DrugOf(resolution.drug);
      const v1::Route route = medication.route() != v1::ROUTE_UNSPECIFIED
                                  ? medication.route()
                                  : resolution.route_hint;
      v1::AssessedMedication* assessed = response_->add_assessed();
      assessed->set_medication_index(i);
      assessed->set_drug_id(product.drug->id());
      assessed->set_drug_name(product.drug->name());
      assessed->set_matched_name(resolution.matched_name);
      assessed->set_match_kind(resolution.match_kind);
      assessed->set_route(route);
      for (const v1::DrugClass* drug_class : product.classes) {
        assessed->add_classes(drug_class->id());
        assessed->add_class_names(drug_class->name());
      }
      if (product.ingredients.empty()) {
        AddJudged(i, medication, resolution.drug, route);
      }
      for (int ingredient : product.ingredients) {
        assessed->add_ingredient_ids(DrugOf(ingredient).drug->id());
        AddJudged(i, medication, ingredient, route);
      }
    }
  }

  void AddJudged(int index, const v1::Medication& medication, int drug_index,
                 v1::Route route) {
    if (judged_.empty()) judged_.reserve(request_.medications_size() + 4);
    Judged& judged = judged_.emplace_back();
    judged.medication_index = index;
    judged.medication = &medication;
    judged.drug_index = drug_index;
    judged.entry = &DrugOf(drug_index);
    judged.route = route;
    judged.active = medication.status() == v1::MEDICATION_STATUS_ACTIVE;
    judged.days_on_therapy = judged.active ? medication.days_on_therapy() : 0;
    const int increased = medication.dose_increased_days_ago();
    if (!judged.active) {
      judged.in_acute_window = true;
      judged.phase = medication.status() == v1::MEDICATION_STATUS_PROPOSED
                         ? "new start (being ordered)"
                         : "new start assumed (status not given)";
    } else if (increased > 0 && increased <= RiskEngine::kAcuteWindowDays) {
      judged.in_acute_window = true;
      judged.phase = absl::StrCat("dose increased ", increased, " days ago");
    } else if (judged.days_on_therapy > 0 &&
               judged.days_on_therapy <= RiskEngine::kAcuteWindowDays) {
      judged.in_acute_window = true;
      judged.phase =
          absl::StrCat("started ", judged.days_on_therapy, " days ago");
    } else if (judged.days_on_therapy > 0) {
      judged.phase =
          absl::StrCat("steady therapy for ", judged.days_on_therapy, " days");
    } else {
      judged.phase = "active, duration not given";
    }
  }

  // Labelled contraindications and cautions: a drug in a patient with a
  // condition, under an age, or with another drug. They hold whatever the
  // phase of therapy: a steady drug in Parkinson's disease is as much a
  // problem as a new one. One finding per subject (drug and condition, drug
  // and age, pair of medications): the contraindication, else the highest
  // level, speaks for it.
  void JudgeCautions() {
    std::vector<CautionHit> hits;
    auto consider = [&hits](CautionHit hit) {
      for (CautionHit& kept : hits) {
        if (kept.subject != hit.subject) continue;
        // On a tie the narrower statement speaks (a phenotype with a
        // co-medication over the phenotype alone).
        const v1::Caution* raising =
            kept.raising != nullptr ? kept.raising : hit.raising;
        if (std::make_tuple(hit.caution->contraindicated(),
                            hit.caution->level(), hit.partner != nullptr) >
            std::make_tuple(kept.caution->contraindicated(),
                            kept.caution->level(), kept.partner != nullptr)) {
          kept = hit;
        }
        kept.raising = raising;
        return;
      }
      hits.push_back(hit);
    };
    for (const Judged& judged : judged_) {
      for (int c : judged.entry->cautions) {
        const v1::Caution& caution = knowledge_.caution(c);
        if (std::find(caution.except_routes().begin(),
                      caution.except_routes().end(),
                      judged.route) != caution.except_routes().end()) {
          continue;
        }
        CautionHit hit;
        hit.caution = &caution;
        hit.judged = &judged;
        if (caution.has_phenotype()) {
          hit.phenotype = phenotypes_->Matching(caution.phenotype());
          if (hit.phenotype == nullptr) continue;
          if (caution.raises_exposure()) hit.raising = &caution;
          hit.kind = Finding::DRUG_PHENOTYPE;
          // One finding per drug and result, with or without a partner.
          hit.subject = {judged.drug_index, -1 - hit.phenotype->request_index,
                         3};
          const v1::Scope& co_medication = caution.co_medication();
          if (co_medication.class_ids().empty() &&
              co_medication.drug_ids().empty()) {
            consider(hit);
            continue;
          }
          for (int position : JudgedInScope(co_medication)) {
            const Judged& other = judged_[position];
            if (other.medication_index == judged.medication_index) continue;
            hit.partner = &other;
            consider(hit);
          }
        } else if (!caution.condition_ids().empty()) {
          hit.condition = FindPatientCondition(caution.condition_ids());
          if (hit.condition == nullptr) continue;
          hit.kind = Finding::DRUG_CONDITION;
          hit.subject = {judged.drug_index, -1 - hit.condition->condition, 0};
          consider(hit);
        } else if (caution.below_age_years() > 0) {
          if (patient_.age_years() >= caution.below_age_years()) continue;
          hit.kind = Finding::DRUG_AGE;
          hit.subject = {judged.drug_index, 0, 1};
          consider(hit);
        } else {
          hit.kind = Finding::DRUG_COMBINATION;
          for (int position : JudgedInScope(caution.co_medication())) {
            const Judged& other = judged_[position];
            if (other.medication_index == judged.medication_index) continue;
            hit.partner = &other;
            const auto pair =
                OrderedPair(judged.medication_index, other.medication_index);
            hit.subject = {pair.first, pair.second, 2};
            consider(hit);
          }
        }
      }
    }
    for (const CautionHit& hit : hits) {
      Finding* finding = AddCautionFinding(hit);
      if (hit.phenotype != nullptr && hit.raising != nullptr) {
        Judged& judged = judged_[hit.judged - judged_.data()];
        judged.raises.push_back(
            {PhenotypeResultText(hit.phenotype->gene, hit.phenotype->phenotype),
             &hit.raising->citation_ids(), hit.phenotype->request_index});
        judged.phenotype_raises.emplace_back(hit.phenotype->gene, finding);
      }
    }
  }

  Finding* AddCautionFinding(const CautionHit& hit) {
    const v1::Caution& caution = *hit.caution;
    const Judged& judged = *hit.judged;
    Finding* finding = response_->add_findings();
    SetId(finding, caution.id(), ".", judged.entry->drug->id());
    if (hit.partner != nullptr) {
      absl::StrAppend(finding->mutable_id(), ".",
                      hit.partner->entry->drug->id());
    }
    finding->set_kind(hit.kind);
    finding->set_level(caution.level());
    finding->set_contraindicated(caution.contraindicated());
    finding->add_medication_indexes(judged.medication_index);
    finding->add_drug_ids(judged.entry->drug->id());
    if (hit.partner != nullptr) {
      finding->add_medication_indexes(hit.partner->medication_index);
      finding->add_drug_ids(hit.partner->entry->drug->id());
      // A phenotype's statement about the pair (a quarter dose) already
      // carries what the pair's exposure interaction would say.
      if (caution.contraindicated() || hit.phenotype != nullptr) {
        spoken_for_pairs_.push_back({OrderedPair(judged.medication_index,
                                                 hit.partner->medication_index),
                                     finding,
                                     /*add_advice=*/hit.phenotype == nullptr});
      }
    }
    if (hit.condition != nullptr && hit.condition->request_index >= 0) {
      finding->add_condition_indexes(hit.condition->request_index);
    }
    if (hit.phenotype != nullptr) {
      finding->add_pharmacogenomic_indexes(hit.phenotype->request_index);
    }
    if (!caution.label_section().empty()) {
      absl::StrAppend(finding->mutable_label_section(),
                      caution.jurisdiction().empty() ? "" : caution.jurisdiction(),
                      caution.jurisdiction().empty() ? "" : " label, ",
                      caution.label_section());
    }
    // "in Parkinson's disease", "under 1 year", "with citalopram", "in a
    // CYP2D6 poor metabolizer".
    std::string trigger;
    if (hit.phenotype != nullptr) {
      trigger = absl::StrCat(
          "in a ",
          PhenotypeResultText(hit.phenotype->gene, hit.phenotype->phenotype));
      if (hit.partner != nullptr) {
        absl::StrAppend(&trigger, " with ", NameOf(*hit.partner));
      }
    } else if (hit.condition != nullptr) {
      trigger = absl::StrCat(
          "in ", knowledge_.condition(hit.condition->condition).name());
    } else if (hit.partner != nullptr) {
      trigger = absl::StrCat("with ", NameOf(*hit.partner));
    } else {
      trigger = absl::StrCat("under ", FormatAge(caution.below_age_years()));
    }
    const std::string whose =
        caution.jurisdiction().empty()
            ? ""
            : absl::StrCat(" (", caution.jurisdiction(), " label)");
    SetSummary(finding,
               caution.contraindicated() ? "Contraindicated: " : "Caution: ",
               NameOf(judged), " ", trigger, whose);
    if (full_) {
      finding->set_detail(
          finding->label_section().empty()
              ? caution.statement()
              : absl::StrCat(caution.statement(), " (",
                             finding->label_section(), ")"));
      if (hit.phenotype != nullptr) {
        absl::StrAppend(
            finding->add_factors(),
            PhenotypeResultText(hit.phenotype->gene, hit.phenotype->phenotype),
            " (pharmacogenomic result)",
            hit.raising != nullptr
                ? absl::StrCat(": raises ", NameOf(judged), " exposure")
                : "");
        if (hit.partner != nullptr) {
          absl::StrAppend(finding->add_factors(), NameOf(judged), " with ",
                          NameOf(*hit.partner));
        }
      } else if (hit.condition != nullptr) {
        absl::StrAppend(
            finding->add_factors(),
            knowledge_.condition(hit.condition->condition).name(),
            hit.condition->request_index < 0
                ? " (prior drug-induced dystonia)"
                : " (patient condition)");
      } else if (hit.partner != nullptr) {
        absl::StrAppend(finding->add_factors(), NameOf(judged), " with ",
                        NameOf(*hit.partner));
      } else {
        absl::StrAppend(finding->add_factors(), "age ",
                        FormatAge(patient_.age_years()), ", under ",
                        FormatAge(caution.below_age_years()));
      }
      if (!caution.advice().empty()) {
        finding->add_recommendations(caution.advice());
      }
    }
    CitationList citations = CitationsOf(finding);
    citations.AddAll(caution.citation_ids());
    if (caution.syndrome() != v1::SYNDROME_UNSPECIFIED) {
      caution_syndromes_.emplace_back(finding, caution.syndrome());
    }
    return finding;
  }

  // One finding per substrate-perpetrator pair: when several rules match
  // (pimozide with paroxetine: a labelled contraindication and the CYP2D6
  // rule), the contraindication, else the highest level, speaks for the pair.
  void FindInteractions() {
    // Who perpetrates each interaction in this list, found once: a substrate
    // then looks only at its own interactions' perpetrators instead of at
    // every other medication, so the cost grows with the list, not with its
    // pairs.
    std::vector<std::pair<int, int>> perpetrators;  // (interaction, judged)
    for (int p = 0; p < static_cast<int>(judged_.size()); ++p) {
      for (int x : judged_[p].entry->perpetrator_of) perpetrators.emplace_back(x, p);
    }
    std::sort(perpetrators.begin(), perpetrators.end());
    for (Judged& substrate : judged_) {
      // (judged position of a perpetrator, rank of the interaction in the
      // substrate's list): the first strongest in that order wins, as before.
      absl::InlinedVector<std::pair<int, int>, 8> candidates;
      const std::vector<int>& substrate_of = substrate.entry->substrate_of;
      for (int rank = 0; rank < static_cast<int>(substrate_of.size()); ++rank) {
        const int x = substrate_of[rank];
        for (auto it = std::lower_bound(perpetrators.begin(), perpetrators.end(),
                                        std::make_pair(x, -1));
             it != perpetrators.end() && it->first == x; ++it) {
          if (judged_[it->second].medication_index != substrate.medication_index)
            candidates.emplace_back(it->second, rank);
        }
      }
      std::sort(candidates.begin(), candidates.end());
      for (size_t i = 0; i < candidates.size();) {
        const Judged& perpetrator = judged_[candidates[i].first];
        const v1::Interaction* strongest = nullptr;
        for (; i < candidates.size() &&
               &judged_[candidates[i].first] == &perpetrator;
             ++i) {
          const v1::Interaction& candidate =
              knowledge_.interaction(substrate_of[candidates[i].second]);
          if (strongest == nullptr ||
              std::make_pair(candidate.contraindicated(), candidate.level()) >
                  std::make_pair(strongest->contraindicated(),
                                 strongest->level())) {
            strongest = &candidate;
          }
        }
        // Phenoconversion: a poor metabolizer whose phenotype already
        // raises this drug's exposure has no enzyme activity left for an
        // inhibitor of that enzyme to remove. The phenotype's finding
        // counts it, once.
        auto as_phenotype = std::find_if(
            substrate.phenotype_raises.begin(),
            substrate.phenotype_raises.end(), [strongest](const auto& raise) {
              return raise.first == strongest->mechanism();
            });
        if (as_phenotype != substrate.phenotype_raises.end()) {
          Finding* finding = as_phenotype->second;
          if (full_) {
            absl::StrAppend(
                finding->add_factors(), NameOf(perpetrator), " also inhibits ",
                strongest->mechanism(), ": counted once, as the phenotype (no ",
                strongest->mechanism(), " activity is left for it to remove)");
          }
          finding->add_medication_indexes(perpetrator.medication_index);
          CitationsOf(finding).AddAll(strongest->citation_ids());
          // A labelled contraindication of the pair is still said as one;
          // only its exposure step is not taken twice.
          if (strongest->contraindicated()) {
            AddInteractionFinding(*strongest, substrate, perpetrator);
          }
          continue;
        }
        const auto pair = OrderedPair(substrate.medication_index,
                                      perpetrator.medication_index);
        auto covered = std::find_if(
            spoken_for_pairs_.begin(), spoken_for_pairs_.end(),
            [&pair](const SpokenForPair& entry) { return entry.pair == pair; });
        if (covered == spoken_for_pairs_.end()) {
          Finding* finding =
              AddInteractionFinding(*strongest, substrate, perpetrator);
          NotePhenoconversion(*strongest, perpetrator, finding);
        } else if (full_) {
          // The contraindication speaks for the pair; the label's exposure
          // advice (another jurisdiction's dose cut) still belongs to it.
          Finding* finding = covered->finding;
          absl::StrAppend(finding->add_factors(), NameOf(perpetrator),
                          " also raises ", NameOf(substrate), " exposure (",
                          strongest->mechanism(), ")");
          if (covered->add_advice) {
            finding->add_recommendations(strongest->advice());
          }
          CitationsOf(finding).AddAll(strongest->citation_ids());
        }
        substrate.raises.push_back({absl::StrCat(NameOf(perpetrator), " (",
                                                 strongest->mechanism(), ")"),
                                    &strongest->citation_ids()});
      }
    }
  }

  // An inhibitor in a patient whose phenotype of the same enzyme was sent
  // and takes no exposure step for this drug (a normal metabolizer; a poor
  // metabolizer whose statement, if any, does not say its exposure rises):
  // the inhibitor is counted, as its label says, and the factor says why the
  // phenotype is not counted too.
  void NotePhenoconversion(const v1::Interaction& interaction,
                           const Judged& perpetrator, Finding* finding) {
    const PatientPhenotype* had = phenotypes_->ForGene(interaction.mechanism());
    if (had == nullptr ||
        had->phenotype == v1::PharmacogenomicResult::INDETERMINATE) {
      return;
    }
    finding->add_pharmacogenomic_indexes(had->request_index);
    if (!full_) return;
    absl::StrAppend(
        finding->add_factors(), PhenotypeResultText(had->gene, had->phenotype),
        had->phenotype == v1::PharmacogenomicResult::POOR
            ? ": the raised exposure is counted once, as the inhibitor"
            : absl::StrCat(": ", NameOf(perpetrator),
                           " lowers the enzyme's activity toward a poor "
                           "metabolizer's (phenoconversion); counted as the "
                           "inhibitor"));
  }

  Finding* AddInteractionFinding(const v1::Interaction& interaction,
                                 const Judged& substrate,
                                 const Judged& perpetrator) {
    Finding* finding = response_->add_findings();
    SetId(finding, "interaction.", interaction.id());
    finding->set_kind(Finding::EXPOSURE_INTERACTION);
    finding->set_level(interaction.level());
    finding->set_contraindicated(interaction.contraindicated());
    finding->add_medication_indexes(substrate.medication_index);
    finding->add_medication_indexes(perpetrator.medication_index);
    finding->add_drug_ids(substrate.entry->drug->id());
    finding->add_drug_ids(perpetrator.entry->drug->id());
    SetSummary(finding, NameOf(perpetrator), " raises ", NameOf(substrate),
               " exposure (", interaction.mechanism(), ")",
               interaction.contraindicated() ? ": contraindicated" : "");
    if (full_)
      finding->set_detail(absl::StrCat(
          NameOf(perpetrator), " inhibits ", interaction.mechanism(),
          ", raising ", NameOf(substrate),
          " levels and with them the risk of extrapyramidal effects. ",
          interaction.advice()));
    if (full_)
      absl::StrAppend(finding->add_factors(), NameOf(perpetrator), " with ",
                      NameOf(substrate), ": ", interaction.mechanism(),
                      " inhibition",
                      SourceLabel(knowledge_, interaction.citation_ids()));
    if (full_) finding->add_recommendations(interaction.advice());
    CitationList citations = CitationsOf(finding);
    citations.AddAll(interaction.citation_ids());
    return finding;
  }

  void FindProphylaxis() {
    for (const Judged& judged : judged_) {
      if (judged.entry->anticholinergic_prophylaxis) {
        prophylaxis_ = &judged;
        return;
      }
    }
  }

  // A dopamine blocker other than `judged` being started or raised, or
  // nullptr.
  const Judged* SecondBlockerInWindow(const Judged& judged) const {
    for (const Judged& other : judged_) {
      if (other.medication_index == judged.medication_index) continue;
      if (other.entry->dopamine_blocker && other.in_acute_window) return &other;
    }
    return nullptr;
  }

  // Another medication of the list in `scope`, or nullptr.
  const Judged* CoMedication(const v1::Scope& scope,
                             const Judged& judged) const {
    for (int position : JudgedInScope(scope)) {
      const Judged& other = judged_[position];
      if (other.medication_index != judged.medication_index) return &other;
    }
    return nullptr;
  }

  // The positions in judged_ of the medications in `scope`, found once per
  // scope and request: "is another medication an antipsychotic?" then walks
  // a short list instead of every pair, so the cost grows with the list.
  const std::vector<int>& JudgedInScope(const v1::Scope& scope) const {
    auto [it, inserted] = judged_in_scope_.try_emplace(&scope);
    if (inserted) {
      for (int i = 0; i < static_cast<int>(judged_.size()); ++i) {
        if (knowledge_.InScope(scope, *judged_[i].entry)) it->second.push_back(i);
      }
    }
    return it->second;
  }

  // True when every condition of `modifier` holds. With `label`, also says
  // what matched ("male, 19 years"); the BASIC view passes none and so
  // builds no text.
  bool ApplyModifier(const v1::RiskModifier& modifier, const Judged& judged,
                     int syndrome, const v1::Liability& liability,
                     std::string* label) const {
    const auto& c = modifier.condition();
    const double age = patient_.age_years();
    absl::InlinedVector<std::string, 4> parts;
    auto say = [&](auto&&... pieces) {
      if (label != nullptr) parts.push_back(absl::StrCat(pieces...));
    };
    if (c.sex() != v1::SEX_UNSPECIFIED) {
      if (patient_.sex() != c.sex()) return false;
      say(SexWord(c.sex()));
    }
    if (c.min_age_years() > 0 || c.max_age_years() > 0) {
      if (age < c.min_age_years()) return false;
      if (c.max_age_years() > 0 && age >= c.max_age_years()) return false;
      if (label != nullptr) parts.push_back(FormatAge(age));
    }
    if (c.prior_drug_induced_dystonia()) {
      if (!prior_dystonia_) return false;
      say("prior drug-induced dystonia");
    }
    if (!c.patient_condition_ids().empty()) {
      const int condition = FirstPatientCondition(c.patient_condition_ids());
      if (condition < 0) return false;
      say(knowledge_.condition(condition).name());
    }
    if (!c.routes().empty()) {
      if (liability.route_effect_included() ||
          std::find(c.routes().begin(), c.routes().end(), judged.route) ==
              c.routes().end()) {
        return false;
      }
      say(RouteWord(judged.route), " route");
    }
    if (c.min_days_on_therapy() > 0) {
      if (judged.days_on_therapy < c.min_days_on_therapy()) return false;
      say(judged.days_on_therapy, " days on therapy");
    }
    if (c.second_dopamine_blocker_in_window()) {
      const Judged* other = SecondBlockerInWindow(judged);
      if (other == nullptr) return false;
      say("started with ", NameOf(*other));
    }
    if (!c.co_medication().class_ids().empty() ||
        !c.co_medication().drug_ids().empty()) {
      const Judged* other = CoMedication(c.co_medication(), judged);
      if (other == nullptr) return false;
      say("with ", NameOf(*other));
    }
    if (c.dose_above_threshold()) {
      const v1::DoseThreshold* threshold =
          ThresholdFor(*judged.entry->drug, syndrome);
      const double dose = judged.medication->daily_dose_mg();
      if (threshold == nullptr || !(dose > 0)) return false;
      const bool above_absolute = threshold->daily_dose_mg() > 0 &&
                                  dose > threshold->daily_dose_mg();
      const bool above_by_weight =
          threshold->daily_dose_mg_per_kg() > 0 && patient_.has_weight_kg() &&
          dose > threshold->daily_dose_mg_per_kg() * patient_.weight_kg();
      if (!above_absolute && !above_by_weight) return false;
      if (label != nullptr) {
        parts.push_back(
            above_absolute
                ? absl::StrFormat("%g mg/day, above %g mg/day", dose,
                                  threshold->daily_dose_mg())
                : absl::StrFormat(
                      "%g mg/day at %g kg, above %g mg/kg/day (%g mg/day)",
                      dose, patient_.weight_kg(),
                      threshold->daily_dose_mg_per_kg(),
                      threshold->daily_dose_mg_per_kg() *
                          patient_.weight_kg()));
      }
    }
    if (label != nullptr) {
      *label = parts.empty() ? judged.entry->drug->name()
                             : absl::StrJoin(parts, ", ");
    }
    return true;
  }

  // Level of one finding: liability, then patient, history and context
  // modifiers. Patient modifiers (age, sex, risk-factor conditions) do not
  // lift a near-placebo agent (`patient_factors_capped`) above LOW; a
  // previous reaction (HISTORY) and the context always apply. Fills factors
  // and citations.
  int ApplyModifiers(const Judged& judged, int syndrome,
                     const v1::Liability& liability, Finding* finding,
                     CitationList* citations) const {
    const int base = liability.level();
    int patient_steps = 0;
    int other_steps = 0;
    for (int m : judged.entry->modifiers[syndrome]) {
      const v1::RiskModifier& modifier = knowledge_.modifier(m);
      std::string label;
      if (!ApplyModifier(modifier, judged, syndrome, liability,
                         full_ ? &label : nullptr)) {
        continue;
      }
      if (modifier.kind() == v1::RiskModifier::PATIENT) {
        patient_steps += modifier.steps();
      } else {
        other_steps += modifier.steps();
      }
      if (full_)
        absl::StrAppend(finding->add_factors(), label, ": ", modifier.factor(),
                        SourceLabel(knowledge_, modifier.citation_ids()));
      citations->AddAll(modifier.citation_ids());
    }
    if (liability.patient_factors_capped() && patient_steps > 0) {
      const int room = std::max(0, static_cast<int>(v1::RISK_LEVEL_LOW) - base);
      if (patient_steps > room) {
        if (full_)
          finding->add_factors(
              "near-placebo agent for this syndrome: age, sex and risk-factor "
              "conditions do not lift it above LOW");
        patient_steps = room;
      }
    }
    return base + patient_steps + other_steps;
  }

  Finding* StartFinding(const Judged& judged, Finding::Kind kind,
                        absl::string_view id_prefix) {
    Finding* finding = response_->add_findings();
    SetId(finding, id_prefix, judged.entry->drug->id());
    finding->set_kind(kind);
    finding->add_medication_indexes(judged.medication_index);
    finding->add_drug_ids(judged.entry->drug->id());
    return finding;
  }

  // "haloperidol (intramuscular): acute-dystonia liability HIGH, ...".
  void AppendLiabilityFactor(std::string* out, const Judged& judged,
                             const v1::Liability& liability,
                             absl::string_view which) const {
    const absl::string_view route = RouteWord(judged.route);
    absl::StrAppend(out, NameOf(judged), route.empty() ? "" : " (", route,
                    route.empty() ? "" : ")", ": ", which, " liability ",
                    RiskLevelWord(liability.level()), ", ",
                    EvidenceWords(liability.evidence()));
  }

  void AddRecommendations(const Judged& judged, int syndrome, RiskLevel level,
                          Finding* finding) const {
    if (!full_) return;
    for (int r : judged.entry->recommendations[syndrome]) {
      const v1::Recommendation& recommendation = knowledge_.recommendation(r);
      if (recommendation.min_level() > level) continue;
      // A recommendation's sources stay with it (GetDrug lists them): a
      // finding cites what carries its claim, not a dozen sources of advice.
      finding->add_recommendations(recommendation.text());
    }
  }

  void JudgeAcute(const Judged& judged) {
    const v1::Liability& liability =
        LiabilityFor(*judged.entry->drug, kAcute, judged.route);
    if (liability.level() <= v1::RISK_LEVEL_NONE) return;
    if (!judged.in_acute_window) {
      any_steady_outside_window_ = true;
      if (full_) {
        steady_outside_window_.push_back(absl::StrCat(
            NameOf(judged), ": ", judged.phase, ", outside the acute window"));
      }
      return;
    }
    Finding* finding =
        StartFinding(judged, Finding::ACUTE_DYSTONIA, "acute-dystonia.");
    CitationList citations = CitationsOf(finding);
    citations.AddAll(liability.citation_ids());
    if (full_) {
      AppendLiabilityFactor(finding->add_factors(), judged, liability,
                            "acute-dystonia");
      finding->add_factors()->assign(judged.phase);
    }
    int level = ApplyModifiers(judged, kAcute, liability, finding, &citations);
    for (const Judged::ExposureRaise& raise : judged.raises) {
      ++level;
      if (full_)
        absl::StrAppend(finding->add_factors(), "exposure raised by ",
                        raise.by);
      citations.AddAll(*raise.citation_ids);
      if (raise.pharmacogenomic_index >= 0) {
        finding->add_pharmacogenomic_indexes(raise.pharmacogenomic_index);
      }
    }
    if (prophylaxis_ != nullptr && level > v1::RISK_LEVEL_LOW) {
      const int before = Clamp(level);
      level = std::max(Clamp(level) - 1, static_cast<int>(v1::RISK_LEVEL_LOW));
      if (level < before) {
        if (full_)
          absl::StrAppend(
              finding->add_factors(), NameOf(*prophylaxis_),
              " in the list: anticholinergic prophylaxis lowers the level one "
              "step");
        lowered_by_prophylaxis_.push_back(finding->drug_ids(0));
        lowered_indexes_.push_back(judged.medication_index);
      }
    }
    const RiskLevel final_level = Clamp(level);
    finding->set_level(final_level);
    const absl::string_view route = RouteWord(judged.route);
    SetSummary(finding, "Acute dystonia risk ", RiskLevelWord(final_level),
               ": ", NameOf(judged), route.empty() ? "" : " ", route, ", ",
               judged.phase);
    if (full_)
      finding->set_detail(liability.note().empty() ? finding->summary()
                                                   : liability.note());
    AddRecommendations(judged, kAcute, final_level, finding);
  }

  void JudgeTardive(const Judged& judged) {
    const v1::Liability& liability =
        LiabilityFor(*judged.entry->drug, kTardive, judged.route);
    if (liability.level() <= v1::RISK_LEVEL_NONE) return;
    const bool older = patient_.age_years() >= RiskEngine::kOlderAdultAgeYears;
    const int needed = older ? RiskEngine::kTardiveExposureDaysOlderAdult
                             : RiskEngine::kTardiveExposureDays;
    const bool established = judged.active && judged.days_on_therapy >= needed;
    // Tardive dyskinesia needs months of exposure: one dose or a few days
    // cannot establish it, so such an order gets its acute judgement only
    // (unless the days already given show the exposure is there).
    // A depot injection is not brief however it is ordered: one dose
    // lasts weeks.
    const v1::Course course = judged.medication->course();
    if (!established && judged.route != v1::ROUTE_LONG_ACTING_INJECTABLE &&
        (course == v1::COURSE_SINGLE_DOSE || course == v1::COURSE_SHORT)) {
      brief_courses_.push_back(absl::StrCat(
          NameOf(judged),
          course == v1::COURSE_SINGLE_DOSE ? ": a single dose"
                                           : ": a short course",
          ", not judged for tardive dyskinesia (it needs months of exposure)"));
      return;
    }
    Finding* finding =
        StartFinding(judged, Finding::TARDIVE_DYSKINESIA, "tardive.");
    finding->set_exposure_established(established);
    CitationList citations = CitationsOf(finding);
    citations.AddAll(liability.citation_ids());
    if (full_) {
      AppendLiabilityFactor(finding->add_factors(), judged, liability,
                            "tardive");
    }
    int level =
        ApplyModifiers(judged, kTardive, liability, finding, &citations);
    std::string exposure;
    if (established) {
      exposure = absl::StrCat(judged.days_on_therapy, " days of exposure");
      if (full_)
        absl::StrAppend(finding->add_factors(),
                        "established exposure: ", judged.days_on_therapy,
                        " days (at least ", needed,
                        older ? " at age 60 or over)" : ")");
    } else {
      exposure = judged.active && judged.days_on_therapy > 0
                     ? absl::StrCat(judged.days_on_therapy, " days so far")
                     : (judged.active ? "duration not given"
                                      : "long-term use to monitor");
      level = std::max(Clamp(level) - 1, static_cast<int>(v1::RISK_LEVEL_LOW));
      if (full_)
        absl::StrAppend(finding->add_factors(),
                        "exposure not yet established (", needed,
                        " days needed): a risk to monitor, one step lower");
    }
    const RiskLevel final_level = Clamp(level);
    finding->set_level(final_level);
    SetSummary(finding, "Tardive dyskinesia risk ", RiskLevelWord(final_level),
               ": ", NameOf(judged), ", ", exposure);
    if (full_)
      finding->set_detail(liability.note().empty() ? finding->summary()
                                                   : liability.note());
    AddRecommendations(judged, kTardive, final_level, finding);
  }

  void JudgeDuplicateBlockade() {
    std::vector<const Judged*> blockers;
    absl::flat_hash_set<int> medication_indexes;
    bool any_in_window = false;
    for (const Judged& judged : judged_) {
      if (!judged.entry->dopamine_blocker) continue;
      if (!medication_indexes.insert(judged.medication_index).second) continue;
      blockers.push_back(&judged);
      any_in_window |= judged.in_acute_window;
    }
    if (blockers.size() < 2) return;
    Finding* finding = response_->add_findings();
    finding->set_id("duplicate-dopamine-blockade");
    finding->set_kind(Finding::DUPLICATE_DOPAMINE_BLOCKADE);
    std::vector<std::string> names;
    for (const Judged* judged : blockers) {
      finding->add_medication_indexes(judged->medication_index);
      finding->add_drug_ids(judged->entry->drug->id());
      names.push_back(NameOf(*judged));
    }
    // At least the highest single acute finding of the drugs involved.
    int level = any_in_window ? v1::RISK_LEVEL_MODERATE : v1::RISK_LEVEL_LOW;
    for (const Finding& other : response_->findings()) {
      if (other.kind() != Finding::ACUTE_DYSTONIA) continue;
      if (std::find(finding->drug_ids().begin(), finding->drug_ids().end(),
                    other.drug_ids(0)) != finding->drug_ids().end()) {
        level = std::max(level, static_cast<int>(other.level()));
      }
    }
    finding->set_level(Clamp(level));
    const std::string joined = absl::StrJoin(names, " + ");
    SetSummary(finding, blockers.size(),
               " dopamine blockers together: ", joined);
    if (full_)
      finding->set_detail(absl::StrCat(
          "More than one dopamine-receptor-blocking agent is in the list (",
          joined, "). ",
          any_in_window ? "At least one is being started or its dose raised, "
                          "when acute dystonia is most likely."
                        : "Combined long-term blockade adds to tardive risk."));
    if (full_)
      absl::StrAppend(finding->add_factors(), "dopamine blockers: ", joined);
    if (full_)
      finding->add_recommendations(
          "Review whether more than one dopamine-blocking agent is needed");
    CitationList citations = CitationsOf(finding);
    for (const Judged* judged : blockers) {
      for (int m : judged->entry->modifiers[kAcute]) {
        const v1::RiskModifier& modifier = knowledge_.modifier(m);
        if (modifier.condition().second_dopamine_blocker_in_window()) {
          citations.AddAll(modifier.citation_ids());
        }
      }
    }
  }

  void AddProphylaxisFinding() {
    if (prophylaxis_ == nullptr || lowered_by_prophylaxis_.empty()) return;
    Finding* finding = response_->add_findings();
    finding->set_id("prophylaxis-present");
    finding->set_kind(Finding::PROPHYLAXIS_PRESENT);
    finding->set_level(v1::RISK_LEVEL_LOW);
    finding->add_medication_indexes(prophylaxis_->medication_index);
    finding->add_drug_ids(prophylaxis_->entry->drug->id());
    for (int index : lowered_indexes_) finding->add_medication_indexes(index);
    for (const std::string& id : lowered_by_prophylaxis_) {
      finding->add_drug_ids(id);
    }
    std::vector<std::string> lowered;
    for (const std::string& id : lowered_by_prophylaxis_) {
      const int index = knowledge_.FindDrug(id);
      lowered.push_back(index >= 0 ? DrugOf(index).drug->name() : id);
    }
    const std::string joined = absl::StrJoin(lowered, ", ");
    SetSummary(finding, "Anticholinergic prophylaxis: ", NameOf(*prophylaxis_),
               " lowers acute dystonia risk of ", joined);
    if (full_)
      finding->set_detail(absl::StrCat(
          NameOf(*prophylaxis_),
          " is an anticholinergic agent; given with a dopamine blocker at the "
          "start of treatment it lowers the incidence of acute dystonia. The "
          "acute level of ",
          joined, " was lowered one step (never below LOW)."));
    if (full_)
      absl::StrAppend(finding->add_factors(), NameOf(*prophylaxis_),
                      ": anticholinergic prophylaxis");
    CitationList citations = CitationsOf(finding);
    for (const v1::DrugClass* drug_class : prophylaxis_->entry->classes) {
      citations.AddAll(drug_class->citation_ids());
    }
  }

  // Contraindications first, then the highest level, then kind, then
  // medication position; stable.
  // Insertion sort over the element pointers: a check has tens of findings,
  // and moving pointers allocates nothing (std::stable_sort would).
  void SortFindings() {
    auto before = [](const Finding* a, const Finding* b) {
      if (a->contraindicated() != b->contraindicated()) {
        return a->contraindicated();
      }
      if (a->level() != b->level()) return a->level() > b->level();
      if (a->kind() != b->kind()) return a->kind() < b->kind();
      return a->medication_indexes(0) < b->medication_indexes(0);
    };
    auto first = response_->mutable_findings()->pointer_begin();
    auto last = response_->mutable_findings()->pointer_end();
    for (auto i = first; i != last; ++i) {
      Finding* moving = *i;
      auto j = i;
      for (; j != first && before(moving, *(j - 1)); --j) *j = *(j - 1);
      *j = moving;
    }
  }

  void Summarize() {
    for (const Finding& finding : response_->findings()) {
      if (finding.contraindicated()) {
        response_->set_contraindicated(true);
        break;
      }
    }
    SummarizeSyndrome(
        {Finding::ACUTE_DYSTONIA, Finding::DUPLICATE_DOPAMINE_BLOCKADE,
         Finding::EXPOSURE_INTERACTION},
        v1::SYNDROME_ACUTE_DYSTONIA, response_->mutable_acute_dystonia());
    SummarizeSyndrome({Finding::TARDIVE_DYSKINESIA}, v1::SYNDROME_TARDIVE,
                      response_->mutable_tardive_dyskinesia());
    v1::RiskSummary* acute = response_->mutable_acute_dystonia();
    if (any_steady_outside_window_ && acute->level() <= v1::RISK_LEVEL_NONE) {
      acute->set_level(v1::RISK_LEVEL_LOW);
      acute->clear_factors();
    }
    if (full_) {
      for (const std::string& steady : steady_outside_window_) {
        acute->add_factors(steady);
      }
    }
    if (full_) {
      for (const std::string& brief : brief_courses_) {
        response_->mutable_tardive_dyskinesia()->add_factors(brief);
      }
    }
    // A level over an incomplete list says so beside itself.
    response_->set_complete(response_->unrecognized().empty());
    if (full_ && !response_->complete()) {
      const std::string not_judged = absl::StrCat(
          response_->unrecognized_size(),
          response_->unrecognized_size() == 1 ? " medication was"
                                              : " medications were",
          " not recognized and not judged; this level covers the others");
      acute->add_factors(not_judged);
      response_->mutable_tardive_dyskinesia()->add_factors(not_judged);
    }
  }

  // True when `finding` counts toward `syndrome`'s summary: one of `kinds`,
  // or a caution about that syndrome.
  bool CountsToward(const Finding& finding,
                    std::initializer_list<Finding::Kind> kinds,
                    v1::Syndrome syndrome) const {
    if (std::find(kinds.begin(), kinds.end(), finding.kind()) != kinds.end()) {
      return true;
    }
    for (const auto& [caution_finding, caution_syndrome] : caution_syndromes_) {
      if (caution_finding == &finding) return caution_syndrome == syndrome;
    }
    return false;
  }

  void SummarizeSyndrome(std::initializer_list<Finding::Kind> kinds,
                         v1::Syndrome syndrome,
                         v1::RiskSummary* summary) const {
    int level = v1::RISK_LEVEL_NONE;
    for (const Finding& finding : response_->findings()) {
      if (CountsToward(finding, kinds, syndrome)) {
        level = std::max(level, static_cast<int>(finding.level()));
      }
    }
    summary->set_level(static_cast<RiskLevel>(level));
    if (!full_) return;
    if (level == v1::RISK_LEVEL_NONE) {
      summary->add_factors("no recognized medication carries this risk");
      return;
    }
    for (const Finding& finding : response_->findings()) {
      if (finding.level() != level ||
          !CountsToward(finding, kinds, syndrome)) {
        continue;
      }
      // Name the drug on lines that do not already start with it.
      const int drug = finding.drug_ids().empty()
                           ? -1
                           : knowledge_.FindDrug(finding.drug_ids(0));
      const std::string name = drug < 0 ? "" : DrugOf(drug).drug->name();
      for (const std::string& factor : finding.factors()) {
        std::string line = name.empty() || absl::StartsWith(factor, name)
                               ? factor
                               : absl::StrCat(name, " - ", factor);
        // Few lines per summary: a linear scan beats hashing.
        if (std::find(summary->factors().begin(), summary->factors().end(),
                      line) == summary->factors().end()) {
          summary->add_factors(std::move(line));
        }
      }
    }
  }

  CitationList CitationsOf(Finding* finding) {
    return CitationList(knowledge_, finding, citation_mode_,
                        &response_citations_);
  }

  const KnowledgeSnapshot& knowledge_;
  const v1::CheckRequest& request_;
  const v1::Patient& patient_;
  v1::CheckResponse* response_;
  // FULL (the default) and COMPACT carry factors, recommendations, details
  // and citations; BASIC only levels, summaries and what was matched.
  const bool full_;
  const CitationMode citation_mode_;
  ResponseCitations response_citations_;
  std::vector<Judged> judged_;
  // See JudgedInScope; filled only after judged_ is complete.
  mutable absl::flat_hash_map<const v1::Scope*, std::vector<int>>
      judged_in_scope_;
  const Judged* prophylaxis_ = nullptr;
  std::vector<std::string> lowered_by_prophylaxis_;
  std::vector<int> lowered_indexes_;
  // A drug with acute liability outside its acute window: the acute summary
  // is LOW, not NONE. The lines say which (FULL view only).
  bool any_steady_outside_window_ = false;
  std::vector<std::string> steady_outside_window_;
  // Drugs with tardive liability given as a single dose or a short course:
  // not judged for tardive dyskinesia; the lines say which (FULL view only).
  std::vector<std::string> brief_courses_;
  // The patient's recognized conditions, and whether any of them (or the
  // request's flag) is a previous drug-induced dystonia.
  std::vector<PatientCondition> patient_conditions_;
  bool prior_dystonia_ = false;
  // Caution findings and the syndrome whose summary each raises.
  std::vector<std::pair<const Finding*, v1::Syndrome>> caution_syndromes_;
  // Medication pairs (lower index first) a contraindicated combination
  // caution, or a phenotype's statement about the pair, already speaks for:
  // their exposure interaction adds no second finding.
  struct SpokenForPair {
    std::pair<int, int> pair;
    Finding* finding;
    // A contraindication gains the interaction's advice (another
    // jurisdiction's dose cut); a phenotype's statement already gives the
    // dose for the pair.
    bool add_advice;
  };
  std::vector<SpokenForPair> spoken_for_pairs_;
  // Read once the conditions are; see PatientPhenotypes.
  std::optional<PatientPhenotypes> phenotypes_;
};

}  // namespace

absl::Status RiskEngine::Assess(const KnowledgeSnapshot& knowledge,
                                const v1::CheckRequest& request,
                                v1::CheckResponse* response) {
  response->Clear();
  absl::Status valid = ValidateCheckRequest(request);
  if (!valid.ok()) return valid;
  Assessment(knowledge, request, response).Run();
  return absl::OkStatus();
}

}  // namespace dystonia
