// Which findings become cards and how loudly (service/cds_hooks/
// card_problems): one test per row of the indicator mapping README's
// "Alert precision" table gives, the draft-only rule and one card per problem.
#include "service/cds_hooks/card_problems.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace dystonia::cds_hooks {
namespace {

v1::Finding MakeFinding(v1::Finding::Kind kind, v1::RiskLevel level,
                        std::vector<int> medications,
                        std::vector<std::string> drugs) {
  v1::Finding finding;
  finding.set_kind(kind);
  finding.set_level(level);
  finding.set_id(absl::StrCat(v1::Finding::Kind_Name(kind), ".",
                              drugs.empty() ? "" : drugs[0]));
  for (int index : medications) finding.add_medication_indexes(index);
  for (const std::string& drug : drugs) finding.add_drug_ids(drug);
  finding.set_summary(finding.id());
  return finding;
}

// Medication 0 is a new draft, 1 a draft continuing an active order, 2 an
// active medication the drafts do not touch.
HookCall ThreeMedications() {
  HookCall call;
  call.check.add_medications()->set_status(v1::MEDICATION_STATUS_PROPOSED);
  call.check.add_medications()->set_status(v1::MEDICATION_STATUS_ACTIVE);
  call.check.add_medications()->set_status(v1::MEDICATION_STATUS_ACTIVE);
  call.draft_indexes = {0, 1};
  return call;
}

TEST(CardIndicatorTest, AContraindicationIsCritical) {
  v1::Finding finding = MakeFinding(v1::Finding::DRUG_CONDITION,
                                    v1::RISK_LEVEL_LOW, {0}, {"haloperidol"});
  finding.set_contraindicated(true);
  EXPECT_EQ(CardIndicator(finding, false), "critical");
}

TEST(CardIndicatorTest, AnAcuteFindingFromModerateIsAWarning) {
  EXPECT_EQ(CardIndicator(MakeFinding(v1::Finding::ACUTE_DYSTONIA,
                                      v1::RISK_LEVEL_MODERATE, {0}, {"x"}),
                          true),
            "warning");
  EXPECT_EQ(CardIndicator(MakeFinding(v1::Finding::ACUTE_DYSTONIA,
                                      v1::RISK_LEVEL_LOW, {0}, {"x"}),
                          true),
            "info");
}

TEST(CardIndicatorTest, OnlyAnEstablishedHighTardiveRiskIsAWarning) {
  v1::Finding to_monitor = MakeFinding(v1::Finding::TARDIVE_DYSKINESIA,
                                       v1::RISK_LEVEL_HIGH, {0}, {"x"});
  EXPECT_EQ(CardIndicator(to_monitor, true), "info");
  v1::Finding established = to_monitor;
  established.set_exposure_established(true);
  EXPECT_EQ(CardIndicator(established, false), "warning");
  established.set_level(v1::RISK_LEVEL_MODERATE);
  EXPECT_EQ(CardIndicator(established, false), "info");
}

TEST(CardIndicatorTest, ANewInteractionOrBlockadeIsAWarningAContinuedOneInfo) {
  for (v1::Finding::Kind kind :
       {v1::Finding::DUPLICATE_DOPAMINE_BLOCKADE,
        v1::Finding::EXPOSURE_INTERACTION, v1::Finding::DRUG_COMBINATION,
        v1::Finding::DRUG_CONDITION, v1::Finding::DRUG_AGE}) {
    const v1::Finding finding =
        MakeFinding(kind, v1::RISK_LEVEL_MODERATE, {0, 2}, {"x", "y"});
    EXPECT_EQ(CardIndicator(finding, true), "warning") << kind;
    EXPECT_EQ(CardIndicator(finding, false), "info") << kind;
  }
}

TEST(CardIndicatorTest, ProphylaxisIsInfo) {
  EXPECT_EQ(CardIndicator(MakeFinding(v1::Finding::PROPHYLAXIS_PRESENT,
                                      v1::RISK_LEVEL_MODERATE, {0}, {"x"}),
                          true),
            "info");
}

TEST(CardProblemsTest, AStandingRiskTheDraftsDoNotTouchIsNoCard) {
  HookCall call = ThreeMedications();
  v1::CheckResponse response;
  v1::Finding standing = MakeFinding(v1::Finding::TARDIVE_DYSKINESIA,
                                     v1::RISK_LEVEL_HIGH, {2}, {"haloperidol"});
  standing.set_exposure_established(true);
  *response.add_findings() = standing;
  *response.add_findings() = MakeFinding(
      v1::Finding::ACUTE_DYSTONIA, v1::RISK_LEVEL_HIGH, {0}, {"droperidol"});

  const std::vector<CardProblem> problems =
      CardProblems(call, false, response, nullptr);

  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].finding->drug_ids(0), "droperidol");
}

TEST(CardProblemsTest, AnInteractionWithAnActiveDrugIsTheDraftsToo) {
  HookCall call = ThreeMedications();
  v1::CheckResponse response;
  *response.add_findings() =
      MakeFinding(v1::Finding::EXPOSURE_INTERACTION, v1::RISK_LEVEL_HIGH,
                  {0, 2}, {"aripiprazole", "fluoxetine"});

  const std::vector<CardProblem> problems =
      CardProblems(call, false, response, nullptr);

  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].indicator, "warning");
}

TEST(CardProblemsTest, ContinuingAnActiveOrderCreatesNoNewInteraction) {
  HookCall call = ThreeMedications();
  v1::CheckResponse response;
  *response.add_findings() =
      MakeFinding(v1::Finding::DUPLICATE_DOPAMINE_BLOCKADE,
                  v1::RISK_LEVEL_MODERATE, {1, 2}, {"haloperidol", "x"});

  const std::vector<CardProblem> problems =
      CardProblems(call, false, response, nullptr);

  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].indicator, "info");
}

TEST(CardProblemsTest, OneDrugOrderedTwiceIsOneCardSpokenByTheLouder) {
  HookCall call = ThreeMedications();
  v1::CheckResponse response;
  *response.add_findings() =
      MakeFinding(v1::Finding::ACUTE_DYSTONIA, v1::RISK_LEVEL_MODERATE, {1},
                  {"haloperidol"});
  *response.add_findings() = MakeFinding(
      v1::Finding::ACUTE_DYSTONIA, v1::RISK_LEVEL_HIGH, {0}, {"haloperidol"});

  const std::vector<CardProblem> problems =
      CardProblems(call, false, response, nullptr);

  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].finding->level(), v1::RISK_LEVEL_HIGH);
  ASSERT_EQ(problems[0].same_problem.size(), 1u);
  EXPECT_EQ(problems[0].same_problem[0]->level(), v1::RISK_LEVEL_MODERATE);
  EXPECT_EQ(problems[0].indicator, "warning");
}

TEST(CardProblemsTest, AnInteractionFoundFromBothSidesIsOneCard) {
  HookCall call = ThreeMedications();
  v1::CheckResponse response;
  *response.add_findings() =
      MakeFinding(v1::Finding::EXPOSURE_INTERACTION, v1::RISK_LEVEL_MODERATE,
                  {0, 2}, {"pimozide", "clarithromycin"});
  *response.add_findings() =
      MakeFinding(v1::Finding::EXPOSURE_INTERACTION, v1::RISK_LEVEL_MODERATE,
                  {2, 0}, {"clarithromycin", "pimozide"});

  EXPECT_EQ(CardProblems(call, false, response, nullptr).size(), 1u);
}

TEST(CardProblemsTest, DifferentProblemsStayApart) {
  HookCall call = ThreeMedications();
  v1::CheckResponse response;
  *response.add_findings() = MakeFinding(
      v1::Finding::ACUTE_DYSTONIA, v1::RISK_LEVEL_HIGH, {0}, {"haloperidol"});
  *response.add_findings() =
      MakeFinding(v1::Finding::TARDIVE_DYSKINESIA, v1::RISK_LEVEL_MODERATE, {0},
                  {"haloperidol"});

  EXPECT_EQ(CardProblems(call, false, response, nullptr).size(), 2u);
}

TEST(CardProblemsTest, OrderSelectShowsOnlyTheSelectedOrders) {
  HookCall call = ThreeMedications();
  call.selected_indexes = {1};
  v1::CheckResponse response;
  *response.add_findings() = MakeFinding(
      v1::Finding::ACUTE_DYSTONIA, v1::RISK_LEVEL_HIGH, {0}, {"droperidol"});

  EXPECT_TRUE(CardProblems(call, true, response, nullptr).empty());
  EXPECT_EQ(CardProblems(call, false, response, nullptr).size(), 1u);
}

}  // namespace
}  // namespace dystonia::cds_hooks
