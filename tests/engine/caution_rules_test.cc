// The engine's handling of patient conditions, weight, contraindications and
// cautions, and the near-placebo cap, on a small knowledge base written here
// so that each rule is tested apart from the curated data (the clinical
// scenarios test the curated data).

#include <string>
#include <vector>

#include "drug_db/knowledge_snapshot.h"
#include "drug_db/knowledge_validator.h"
#include "google/protobuf/text_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/engine/risk_engine.h"
#include "tests/testing/status_matchers.h"

namespace dystonia {
namespace {

using ::dystonia::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Made-up drugs and conditions ("blocker-a" ...): the codes below are
// fictitious placeholders in valid shapes, not real SNOMED or ICD codes.
constexpr char kKnowledge[] = R"pb(
  manifest { version: "test" }
  citation { id: "label-a" kind: LABEL title: "A label" }
  drug_class {
    id: "blocker"
    name: "Dopamine blockers"
    roles: CLASS_ROLE_DOPAMINE_BLOCKER
  }
  drug {
    id: "blocker-a"
    name: "blockera"
    class_ids: "blocker"
    acute { level: RISK_LEVEL_LOW evidence: EVIDENCE_LEVEL_LABELED_WARNING
            citation_ids: "label-a" note: "n" }
    tardive { level: RISK_LEVEL_MODERATE
              evidence: EVIDENCE_LEVEL_LABELED_WARNING
              citation_ids: "label-a" note: "n" }
    dose_thresholds { syndrome: SYNDROME_ACUTE_DYSTONIA daily_dose_mg: 30
                      daily_dose_mg_per_kg: 0.5 citation_ids: "label-a" }
  }
  drug {
    id: "placebo-like"
    name: "placebolike"
    class_ids: "blocker"
    acute { level: RISK_LEVEL_LOW evidence: EVIDENCE_LEVEL_META_ANALYSIS
            citation_ids: "label-a" note: "n" patient_factors_capped: true }
    tardive { level: RISK_LEVEL_LOW evidence: EVIDENCE_LEVEL_META_ANALYSIS
              citation_ids: "label-a" note: "n" }
    route_liabilities {
      route: ROUTE_INTRAVENOUS
      acute { level: RISK_LEVEL_LOW evidence: EVIDENCE_LEVEL_LABELED_WARNING
              citation_ids: "label-a" note: "n" route_effect_included: true }
    }
  }
  drug {
    id: "partner"
    name: "partner"
    acute { level: RISK_LEVEL_NONE evidence: EVIDENCE_LEVEL_NO_KNOWN_ASSOCIATION }
    tardive { level: RISK_LEVEL_NONE
              evidence: EVIDENCE_LEVEL_NO_KNOWN_ASSOCIATION }
  }
  condition {
    id: "condition-p"
    name: "Parkinson's disease"
    synonyms: "Parkinson disease"
    codes { system: "http://snomed.info/sct" code: "100000001" }
    codes { system: "http://hl7.org/fhir/sid/icd-10-cm" code: "G20" prefix: true }
  }
  condition {
    id: "history-dystonia"
    name: "drug-induced dystonia"
    prior_drug_induced_dystonia: true
  }
  condition {
    id: "history-dystonia-to-a"
    name: "dystonic reaction to blockera"
    implies_prior_drug_induced_dystonia: true
  }
  condition { id: "risk-factor" name: "risk factor condition" }
  condition { id: "no-effect" name: "hypertension" }
  modifier {
    id: "acute.young-male"
    syndrome: SYNDROME_ACUTE_DYSTONIA
    kind: PATIENT
    scope { class_ids: "blocker" }
    condition { max_age_years: 30 sex: SEX_MALE }
    steps: 1
    factor: "young male"
    citation_ids: "label-a"
  }
  modifier {
    id: "acute.prior"
    syndrome: SYNDROME_ACUTE_DYSTONIA
    kind: HISTORY
    scope { class_ids: "blocker" }
    condition { prior_drug_induced_dystonia: true }
    steps: 1
    factor: "prior dystonia"
    citation_ids: "label-a"
  }
  modifier {
    id: "acute.parenteral"
    syndrome: SYNDROME_ACUTE_DYSTONIA
    kind: CONTEXT
    scope { class_ids: "blocker" }
    condition { routes: ROUTE_INTRAVENOUS routes: ROUTE_INTRAMUSCULAR }
    steps: 1
    factor: "parenteral"
    citation_ids: "label-a"
  }
  modifier {
    id: "acute.dose"
    syndrome: SYNDROME_ACUTE_DYSTONIA
    kind: CONTEXT
    condition { dose_above_threshold: true }
    steps: 1
    factor: "dose above the limit"
    citation_ids: "label-a"
  }
  modifier {
    id: "tardive.risk-factor"
    syndrome: SYNDROME_TARDIVE
    kind: PATIENT
    scope { class_ids: "blocker" }
    condition { patient_condition_ids: "risk-factor" }
    steps: 1
    factor: "risk-factor condition"
    citation_ids: "label-a"
  }
  caution {
    id: "ci.blocker-a.condition-p"
    drugs { drug_ids: "blocker-a" }
    condition_ids: "condition-p"
    level: RISK_LEVEL_HIGH
    contraindicated: true
    syndrome: SYNDROME_ACUTE_DYSTONIA
    jurisdiction: "EU"
    label_section: "4.3 Contraindications"
    statement: "Contraindicated in Parkinson's disease."
    advice: "Choose another agent."
    citation_ids: "label-a"
  }
  caution {
    id: "caution.blocker.condition-p"
    drugs { class_ids: "blocker" }
    condition_ids: "condition-p"
    level: RISK_LEVEL_HIGH
    statement: "Dopamine blockers worsen parkinsonism."
    citation_ids: "label-a"
  }
  caution {
    id: "ci.blocker-a.history"
    drugs { drug_ids: "blocker-a" }
    condition_ids: "history-dystonia-to-a"
    level: RISK_LEVEL_HIGH
    contraindicated: true
    jurisdiction: "US"
    label_section: "4 CONTRAINDICATIONS"
    statement: "Contraindicated after a dystonic reaction to it."
    citation_ids: "label-a"
  }
  caution {
    id: "ci.blocker-a.infant"
    drugs { drug_ids: "blocker-a" }
    below_age_years: 1
    level: RISK_LEVEL_HIGH
    contraindicated: true
    syndrome: SYNDROME_ACUTE_DYSTONIA
    jurisdiction: "EU"
    label_section: "4.3 Contraindications"
    statement: "Contraindicated under 1 year."
    citation_ids: "label-a"
  }
  caution {
    id: "ci.blocker-a.partner"
    drugs { drug_ids: "blocker-a" }
    co_medication { drug_ids: "partner" }
    level: RISK_LEVEL_HIGH
    contraindicated: true
    jurisdiction: "US"
    label_section: "4 CONTRAINDICATIONS"
    statement: "Contraindicated with partner (QT)."
    citation_ids: "label-a"
  }
  caution {
    id: "ci.partner.blocker-a"
    drugs { drug_ids: "partner" }
    co_medication { drug_ids: "blocker-a" }
    level: RISK_LEVEL_HIGH
    contraindicated: true
    jurisdiction: "UK"
    label_section: "4.3 Contraindications"
    statement: "Contraindicated with blockera."
    citation_ids: "label-a"
  }
  caution {
    id: "ci.placebo-like.partner-oral-only"
    drugs { drug_ids: "placebo-like" }
    co_medication { drug_ids: "partner" }
    level: RISK_LEVEL_HIGH
    contraindicated: true
    jurisdiction: "UK"
    label_section: "4.3 Contraindications"
    statement: "The oral product's label contraindicates partner."
    except_routes: ROUTE_INTRAVENOUS
    citation_ids: "label-a"
  }
  interaction {
    id: "ix.blocker-a.partner"
    substrate { drug_ids: "blocker-a" }
    perpetrator { drug_ids: "partner" }
    mechanism: "CYP2D6"
    level: RISK_LEVEL_MODERATE
    advice: "Halve the dose."
    citation_ids: "label-a"
  }
)pb";

// The knowledge above, validated and indexed once.
const KnowledgeSnapshot& Knowledge() {
  static const std::shared_ptr<const KnowledgeSnapshot> snapshot = [] {
    v1::KnowledgeBundle bundle;
    EXPECT_TRUE(
        google::protobuf::TextFormat::ParseFromString(kKnowledge, &bundle));
    EXPECT_THAT(ValidateKnowledge(bundle), IsOk());
    return KnowledgeSnapshot::FromBundle(bundle);
  }();
  return *snapshot;
}

class CautionRulesTest : public ::testing::Test {
 protected:
  static v1::CheckRequest Request(double age, v1::Sex sex,
                                  const std::vector<std::string>& drugs) {
    v1::CheckRequest request;
    request.mutable_patient()->set_age_years(age);
    request.mutable_patient()->set_sex(sex);
    for (const std::string& drug : drugs) {
      request.add_medications()->set_name(drug);
    }
    return request;
  }

  static void AddCondition(v1::CheckRequest* request, const std::string& text,
                           const std::string& system = "",
                           const std::string& code = "") {
    v1::Condition* condition = request->mutable_patient()->add_conditions();
    condition->set_text(text);
    condition->set_system(system);
    condition->set_code(code);
  }

  static v1::CheckResponse Assess(const v1::CheckRequest& request) {
    v1::CheckResponse response;
    EXPECT_THAT(RiskEngine::Assess(Knowledge(), request, &response), IsOk());
    return response;
  }

  static std::vector<std::string> FindingIds(const v1::CheckResponse& response) {
    std::vector<std::string> ids;
    for (const v1::Finding& finding : response.findings()) {
      ids.push_back(finding.id());
    }
    return ids;
  }

  // The level of the first finding of `kind`, NONE when there is none.
  static v1::RiskLevel LevelOf(const v1::CheckRequest& request,
                               v1::Finding::Kind kind) {
    const v1::CheckResponse response = Assess(request);
    const v1::Finding* finding = Find(response, kind);
    return finding == nullptr ? v1::RISK_LEVEL_NONE : finding->level();
  }
  static v1::RiskLevel AcuteLevel(const v1::CheckRequest& request) {
    return LevelOf(request, v1::Finding::ACUTE_DYSTONIA);
  }

  static const v1::Finding* Find(const v1::CheckResponse& response,
                                 v1::Finding::Kind kind) {
    for (const v1::Finding& finding : response.findings()) {
      if (finding.kind() == kind) return &finding;
    }
    return nullptr;
  }
};



TEST_F(CautionRulesTest, ConditionByTextFoldsCaseAndApostrophe) {
  v1::CheckRequest request = Request(50, v1::SEX_FEMALE, {"blockera"});
  AddCondition(&request, "PARKINSONS DISEASE");
  const v1::CheckResponse response = Assess(request);

  ASSERT_EQ(response.assessed_conditions_size(), 1);
  EXPECT_EQ(response.assessed_conditions(0).condition_id(), "condition-p");
  EXPECT_EQ(response.assessed_conditions(0).match_kind(),
            v1::AssessedCondition::TEXT);
  EXPECT_TRUE(response.assessed_conditions(0).affects_judgement());
  EXPECT_THAT(response.unrecognized_conditions(), IsEmpty());
}

TEST_F(CautionRulesTest, ConditionByExactCodeAndUnderAnIcdCategory) {
  v1::CheckRequest request = Request(50, v1::SEX_FEMALE, {"blockera"});
  AddCondition(&request, "", "http://snomed.info/sct", "100000001");
  AddCondition(&request, "", "http://hl7.org/fhir/sid/icd-10-cm", "g20.a1");
  const v1::CheckResponse response = Assess(request);

  ASSERT_EQ(response.assessed_conditions_size(), 2);
  for (const v1::AssessedCondition& assessed : response.assessed_conditions()) {
    EXPECT_EQ(assessed.condition_id(), "condition-p");
    EXPECT_EQ(assessed.match_kind(), v1::AssessedCondition::CODE);
  }
  EXPECT_EQ(response.assessed_conditions(1).matched(),
            "http://hl7.org/fhir/sid/icd-10-cm|G20");
}

TEST_F(CautionRulesTest, EveryConditionComesBackAssessedOrUnrecognized) {
  v1::CheckRequest request = Request(50, v1::SEX_FEMALE, {"blockera"});
  AddCondition(&request, "hypertension");
  AddCondition(&request, "something rare");
  AddCondition(&request, "", "http://snomed.info/sct", "999999999");
  AddCondition(&request, "", "urn:local:codes", "X1");
  const v1::CheckResponse response = Assess(request);

  ASSERT_EQ(response.assessed_conditions_size(), 1);
  EXPECT_EQ(response.assessed_conditions(0).condition_index(), 0);
  EXPECT_FALSE(response.assessed_conditions(0).affects_judgement());
  ASSERT_EQ(response.unrecognized_conditions_size(), 3);
  EXPECT_EQ(response.unrecognized_conditions(0).text(), "something rare");
  EXPECT_EQ(response.unrecognized_conditions(1).text(),
            "http://snomed.info/sct|999999999");
  EXPECT_EQ(response.unrecognized_conditions(2).condition_index(), 3);
}

TEST_F(CautionRulesTest, ContraindicationComesFirstAndSpeaksForItsSubject) {
  v1::CheckRequest request = Request(50, v1::SEX_FEMALE, {"blockera"});
  AddCondition(&request, "Parkinson disease");
  const v1::CheckResponse response = Assess(request);

  ASSERT_FALSE(response.findings().empty());
  const v1::Finding& first = response.findings(0);
  EXPECT_TRUE(first.contraindicated());
  EXPECT_EQ(first.kind(), v1::Finding::DRUG_CONDITION);
  EXPECT_EQ(first.id(), "ci.blocker-a.condition-p.blocker-a");
  EXPECT_EQ(first.label_section(), "EU label, 4.3 Contraindications");
  EXPECT_THAT(first.condition_indexes(), ElementsAre(0));
  EXPECT_EQ(first.summary(),
            "Contraindicated: blockera in Parkinson's disease (EU label)");
  EXPECT_TRUE(response.contraindicated());
  // The class-wide caution about the same drug and condition adds no second
  // finding.
  int condition_findings = 0;
  for (const v1::Finding& finding : response.findings()) {
    condition_findings += finding.kind() == v1::Finding::DRUG_CONDITION;
  }
  EXPECT_EQ(condition_findings, 1);
  // Its syndrome's summary is raised to the contraindication's level.
  EXPECT_EQ(response.acute_dystonia().level(), v1::RISK_LEVEL_HIGH);
}

TEST_F(CautionRulesTest, ClassCautionAppliesWhereNoContraindicationDoes) {
  v1::CheckRequest request = Request(50, v1::SEX_FEMALE, {"placebolike"});
  AddCondition(&request, "Parkinson's disease");
  const v1::CheckResponse response = Assess(request);

  const v1::Finding* caution = Find(response, v1::Finding::DRUG_CONDITION);
  ASSERT_NE(caution, nullptr);
  EXPECT_FALSE(caution->contraindicated());
  EXPECT_EQ(caution->level(), v1::RISK_LEVEL_HIGH);
  EXPECT_EQ(caution->summary(), "Caution: placebolike in Parkinson's disease");
  EXPECT_FALSE(response.contraindicated());
  // A caution with no syndrome stands on its own: it does not raise the
  // dystonia summaries.
  EXPECT_EQ(response.acute_dystonia().level(), v1::RISK_LEVEL_LOW);
}

TEST_F(CautionRulesTest, PriorDystonicReactionToTheDrugIsAContraindication) {
  v1::CheckRequest request = Request(40, v1::SEX_FEMALE, {"blockera"});
  AddCondition(&request, "dystonic reaction to blockera");
  const v1::CheckResponse response = Assess(request);

  ASSERT_FALSE(response.findings().empty());
  EXPECT_EQ(response.findings(0).id(), "ci.blocker-a.history.blocker-a");
  // The specific history also counts as a previous drug-induced dystonia.
  const v1::Finding* acute = Find(response, v1::Finding::ACUTE_DYSTONIA);
  ASSERT_NE(acute, nullptr);
  EXPECT_EQ(acute->level(), v1::RISK_LEVEL_MODERATE);
}

TEST_F(CautionRulesTest, PriorDystoniaFlagAndConditionAreTheSame) {
  v1::CheckRequest flagged = Request(40, v1::SEX_FEMALE, {"blockera"});
  flagged.mutable_patient()->set_prior_drug_induced_dystonia(true);
  v1::CheckRequest coded = Request(40, v1::SEX_FEMALE, {"blockera"});
  AddCondition(&coded, "Drug-induced dystonia");

  for (const v1::CheckRequest& request : {flagged, coded}) {
    const v1::CheckResponse response = Assess(request);
    const v1::Finding* acute = Find(response, v1::Finding::ACUTE_DYSTONIA);
    ASSERT_NE(acute, nullptr);
    EXPECT_EQ(acute->level(), v1::RISK_LEVEL_MODERATE);
    // The general history is not the drug-specific contraindication.
    EXPECT_FALSE(response.contraindicated());
  }
}

TEST_F(CautionRulesTest, CapHoldsAgeAndSexButNeverAPriorReaction) {
  // Young male on the near-placebo agent: patient factors do not lift it.
  v1::CheckResponse capped =
      Assess(Request(20, v1::SEX_MALE, {"placebolike"}));
  const v1::Finding* capped_acute = Find(capped, v1::Finding::ACUTE_DYSTONIA);
  ASSERT_NE(capped_acute, nullptr);
  EXPECT_EQ(capped_acute->level(), v1::RISK_LEVEL_LOW);

  // The same on a LOW agent without the cap: raised.
  v1::CheckResponse uncapped = Assess(Request(20, v1::SEX_MALE, {"blockera"}));
  const v1::Finding* uncapped_acute =
      Find(uncapped, v1::Finding::ACUTE_DYSTONIA);
  ASSERT_NE(uncapped_acute, nullptr);
  EXPECT_EQ(uncapped_acute->level(), v1::RISK_LEVEL_MODERATE);

  // A prior dystonic reaction lifts even the near-placebo agent.
  v1::CheckRequest prior = Request(20, v1::SEX_MALE, {"placebolike"});
  prior.mutable_patient()->set_prior_drug_induced_dystonia(true);
  const v1::CheckResponse with_prior = Assess(prior);
  const v1::Finding* prior_acute =
      Find(with_prior, v1::Finding::ACUTE_DYSTONIA);
  ASSERT_NE(prior_acute, nullptr);
  EXPECT_EQ(prior_acute->level(), v1::RISK_LEVEL_MODERATE);
}

TEST_F(CautionRulesTest, RouteLiabilityThatIncludesTheRouteIsNotRaisedAgain) {
  v1::CheckRequest request = Request(50, v1::SEX_FEMALE, {"placebolike"});
  request.mutable_medications(0)->set_route(v1::ROUTE_INTRAVENOUS);
  EXPECT_EQ(AcuteLevel(request), v1::RISK_LEVEL_LOW);

  request.mutable_medications(0)->set_route(v1::ROUTE_INTRAMUSCULAR);
  EXPECT_EQ(AcuteLevel(request), v1::RISK_LEVEL_MODERATE);
}

TEST_F(CautionRulesTest, ConditionRiskFactorRaisesTardive) {
  v1::CheckRequest request = Request(40, v1::SEX_FEMALE, {"blockera"});
  request.mutable_medications(0)->set_status(v1::MEDICATION_STATUS_ACTIVE);
  request.mutable_medications(0)->set_days_on_therapy(200);
  EXPECT_EQ(LevelOf(request, v1::Finding::TARDIVE_DYSKINESIA),
            v1::RISK_LEVEL_MODERATE);
  AddCondition(&request, "Risk factor condition");
  EXPECT_EQ(LevelOf(request, v1::Finding::TARDIVE_DYSKINESIA),
            v1::RISK_LEVEL_HIGH);
}

TEST_F(CautionRulesTest, AgeContraindication) {
  const v1::CheckResponse infant =
      Assess(Request(0.5, v1::SEX_FEMALE, {"blockera"}));
  ASSERT_FALSE(infant.findings().empty());
  EXPECT_EQ(infant.findings(0).kind(), v1::Finding::DRUG_AGE);
  EXPECT_TRUE(infant.findings(0).contraindicated());
  EXPECT_EQ(infant.findings(0).summary(),
            "Contraindicated: blockera under 12 months (EU label)");

  const v1::CheckResponse child =
      Assess(Request(1, v1::SEX_FEMALE, {"blockera"}));
  EXPECT_EQ(Find(child, v1::Finding::DRUG_AGE), nullptr);
}

TEST_F(CautionRulesTest, CombinationIsOneFindingPerPairAndReplacesTheExposureOne) {
  const v1::CheckResponse response =
      Assess(Request(50, v1::SEX_FEMALE, {"blockera", "partner"}));

  int combinations = 0;
  for (const v1::Finding& finding : response.findings()) {
    combinations += finding.kind() == v1::Finding::DRUG_COMBINATION;
  }
  EXPECT_EQ(combinations, 1);
  EXPECT_EQ(Find(response, v1::Finding::EXPOSURE_INTERACTION), nullptr);
  ASSERT_FALSE(response.findings().empty());
  EXPECT_EQ(response.findings(0).kind(), v1::Finding::DRUG_COMBINATION);
  EXPECT_THAT(response.findings(0).medication_indexes(), ElementsAre(0, 1));
  // The raised exposure still counts toward the substrate's acute level.
  const v1::Finding* acute = Find(response, v1::Finding::ACUTE_DYSTONIA);
  ASSERT_NE(acute, nullptr);
  EXPECT_EQ(acute->level(), v1::RISK_LEVEL_MODERATE);
}

TEST_F(CautionRulesTest, ExceptedRouteSkipsTheCaution) {
  v1::CheckRequest oral =
      Request(50, v1::SEX_FEMALE, {"placebolike", "partner"});
  EXPECT_EQ(LevelOf(oral, v1::Finding::DRUG_COMBINATION), v1::RISK_LEVEL_HIGH);
  v1::CheckRequest intravenous = oral;
  intravenous.mutable_medications(0)->set_route(v1::ROUTE_INTRAVENOUS);
  EXPECT_EQ(LevelOf(intravenous, v1::Finding::DRUG_COMBINATION),
            v1::RISK_LEVEL_NONE);
}

TEST_F(CautionRulesTest, WeightBasedDoseLimit) {
  v1::CheckRequest request = Request(50, v1::SEX_FEMALE, {"blockera"});
  request.mutable_medications(0)->set_daily_dose_mg(25);
  EXPECT_EQ(AcuteLevel(request), v1::RISK_LEVEL_LOW);
  request.mutable_patient()->set_weight_kg(40);  // limit 20 mg/day
  EXPECT_EQ(AcuteLevel(request), v1::RISK_LEVEL_MODERATE);
  request.mutable_patient()->set_weight_kg(80);  // limit 40, absolute 30
  EXPECT_EQ(AcuteLevel(request), v1::RISK_LEVEL_LOW);
}

TEST_F(CautionRulesTest, BasicViewKeepsTheContraindication) {
  v1::CheckRequest request = Request(50, v1::SEX_FEMALE, {"blockera"});
  AddCondition(&request, "Parkinson's disease");
  request.set_view(v1::CHECK_VIEW_BASIC);
  const v1::CheckResponse response = Assess(request);
  ASSERT_FALSE(response.findings().empty());
  EXPECT_TRUE(response.findings(0).contraindicated());
  EXPECT_TRUE(response.findings(0).citations().empty());
  EXPECT_TRUE(response.contraindicated());
}

void ExpectInvalid(const v1::CheckRequest& request,
                   const std::string& field) {
  v1::CheckResponse response;
  const absl::Status status =
      RiskEngine::Assess(Knowledge(), request, &response);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr(field));
}

TEST_F(CautionRulesTest, BadConditionsAndWeightNameTheField) {
  v1::CheckRequest empty = Request(50, v1::SEX_FEMALE, {"blockera"});
  AddCondition(&empty, "  ");
  ExpectInvalid(empty, "patient.conditions[0].text");

  v1::CheckRequest no_system = Request(50, v1::SEX_FEMALE, {"blockera"});
  AddCondition(&no_system, "", "", "G20");
  ExpectInvalid(no_system, "patient.conditions[0].system");

  v1::CheckRequest heavy = Request(50, v1::SEX_FEMALE, {"blockera"});
  heavy.mutable_patient()->set_weight_kg(0);
  ExpectInvalid(heavy, "patient.weight_kg");

  v1::CheckRequest many = Request(50, v1::SEX_FEMALE, {"blockera"});
  for (int i = 0; i < 101; ++i) AddCondition(&many, "hypertension");
  ExpectInvalid(many, "patient.conditions: 101");
}

}  // namespace
}  // namespace dystonia
