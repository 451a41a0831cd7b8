// The engine's rules on the engine test knowledge base
// (engine_test_knowledge.h): the acute window, tardive exposure and course,
// routes, patient modifiers, prophylaxis, interactions, duplicate blockade,
// combinations, accounting for every medication, views and refusals. What the
// bundled knowledge answers for real drugs is tests/clinical/'s.

#include "service/engine/risk_engine.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/engine_test_knowledge.h"
#include "tests/testing/engine_requests.h"
#include "tests/testing/status_matchers.h"

namespace dystonia {
namespace {

using ::dystonia::engine_testing::EngineTestKnowledge;
using ::dystonia::testing::FindingOf;
using ::dystonia::testing::IsOk;
using ::dystonia::testing::Med;
using ::dystonia::testing::Request;
using ::dystonia::testing::StatusIs;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

v1::CheckResponse Assess(const v1::CheckRequest& request) {
  v1::CheckResponse response;
  EXPECT_THAT(RiskEngine::Assess(EngineTestKnowledge(), request, &response),
              IsOk());
  return response;
}

v1::RiskLevel LevelOf(const v1::CheckResponse& response, v1::Finding::Kind kind,
                      const std::string& drug_id) {
  const v1::Finding* finding = FindingOf(response, kind, drug_id);
  return finding == nullptr ? v1::RISK_LEVEL_NONE : finding->level();
}

constexpr v1::Finding::Kind kAcute = v1::Finding::ACUTE_DYSTONIA;
constexpr v1::Finding::Kind kTardive = v1::Finding::TARDIVE_DYSKINESIA;

TEST(RiskEngineTest, ANewStartIsJudgedInTheAcuteWindowWithItsSources) {
  v1::CheckResponse response =
      Assess(Request(40, v1::SEX_FEMALE, {{"highazine"}}));

  const v1::Finding* acute = FindingOf(response, kAcute, "highazine");
  ASSERT_NE(acute, nullptr);
  EXPECT_EQ(acute->level(), v1::RISK_LEVEL_MODERATE);
  EXPECT_EQ(response.acute_dystonia().level(), v1::RISK_LEVEL_MODERATE);
  EXPECT_THAT(acute->medication_indexes(), ElementsAre(0));
  std::vector<std::string> sources;
  for (const v1::Citation& citation : acute->citations()) {
    sources.push_back(citation.id());
  }
  EXPECT_THAT(sources, Contains("test-label-a"));
  EXPECT_THAT(sources, Contains("test-paper-b"));
  EXPECT_EQ(acute->detail(), "test acute note");
}

TEST(RiskEngineTest, TheRouteOrderedTakesItsOwnTier) {
  EXPECT_EQ(LevelOf(Assess(Request(40, v1::SEX_FEMALE,
                                   {{"highazine", v1::ROUTE_INTRAMUSCULAR}})),
                    kAcute, "highazine"),
            v1::RISK_LEVEL_HIGH);
  EXPECT_EQ(LevelOf(Assess(Request(40, v1::SEX_FEMALE,
                                   {{"highazine", v1::ROUTE_ORAL}})),
                    kAcute, "highazine"),
            v1::RISK_LEVEL_MODERATE);
}

TEST(RiskEngineTest, APatientModifierRaisesOneStepAndSaysWhy) {
  v1::CheckResponse response =
      Assess(Request(19, v1::SEX_MALE, {{"highazine"}}));

  const v1::Finding* acute = FindingOf(response, kAcute, "highazine");
  ASSERT_NE(acute, nullptr);
  EXPECT_EQ(acute->level(), v1::RISK_LEVEL_HIGH);
  EXPECT_THAT(acute->factors(), Contains(HasSubstr("young male")));
}

TEST(RiskEngineTest, ACappedAgentIsNotLiftedByPatientFactors) {
  EXPECT_EQ(LevelOf(Assess(Request(19, v1::SEX_MALE, {{"lowazine"}})), kAcute,
                    "lowazine"),
            v1::RISK_LEVEL_LOW);
}

TEST(RiskEngineTest, SteadyTherapyHasNoAcuteFindingButALowSummary) {
  v1::CheckResponse response = Assess(Request(
      40, v1::SEX_FEMALE,
      {{"highazine", v1::ROUTE_ORAL, v1::MEDICATION_STATUS_ACTIVE, 400}}));

  EXPECT_EQ(FindingOf(response, kAcute), nullptr);
  EXPECT_EQ(response.acute_dystonia().level(), v1::RISK_LEVEL_LOW);
  EXPECT_FALSE(response.acute_dystonia().factors().empty());
}

TEST(RiskEngineTest, ADoseIncreaseReopensTheAcuteWindow) {
  v1::CheckResponse response = Assess(Request(
      40, v1::SEX_FEMALE,
      {{"highazine", v1::ROUTE_ORAL, v1::MEDICATION_STATUS_ACTIVE, 400, 3}}));

  EXPECT_NE(FindingOf(response, kAcute, "highazine"), nullptr);
}

TEST(RiskEngineTest, TardiveRiskIsOneStepLowerUntilExposureIsEstablished) {
  const v1::CheckResponse proposed =
      Assess(Request(40, v1::SEX_FEMALE, {{"highazine"}}));
  const v1::CheckResponse short_exposure = Assess(Request(
      40, v1::SEX_FEMALE,
      {{"highazine", v1::ROUTE_ORAL, v1::MEDICATION_STATUS_ACTIVE, 89}}));
  const v1::CheckResponse established = Assess(Request(
      40, v1::SEX_FEMALE,
      {{"highazine", v1::ROUTE_ORAL, v1::MEDICATION_STATUS_ACTIVE, 90}}));

  EXPECT_EQ(LevelOf(proposed, kTardive, "highazine"), v1::RISK_LEVEL_LOW);
  EXPECT_EQ(LevelOf(short_exposure, kTardive, "highazine"), v1::RISK_LEVEL_LOW);
  EXPECT_EQ(LevelOf(established, kTardive, "highazine"),
            v1::RISK_LEVEL_MODERATE);
  EXPECT_FALSE(FindingOf(proposed, kTardive)->exposure_established());
  EXPECT_TRUE(FindingOf(established, kTardive)->exposure_established());
}

TEST(RiskEngineTest, AnOlderAdultsExposureIsEstablishedSoonerAndRaised) {
  const v1::CheckResponse response = Assess(Request(
      70, v1::SEX_FEMALE,
      {{"highazine", v1::ROUTE_ORAL, v1::MEDICATION_STATUS_ACTIVE, 30}}));

  const v1::Finding* tardive = FindingOf(response, kTardive, "highazine");
  ASSERT_NE(tardive, nullptr);
  EXPECT_TRUE(tardive->exposure_established());
  EXPECT_EQ(tardive->level(), v1::RISK_LEVEL_HIGH);
  EXPECT_THAT(tardive->factors(), Contains(HasSubstr("older adult")));
}

TEST(RiskEngineTest, ASingleDoseOrShortCourseRaisesNoTardiveFinding) {
  for (v1::Course course : {v1::COURSE_SINGLE_DOSE, v1::COURSE_SHORT}) {
    const v1::CheckResponse response =
        Assess(Request(40, v1::SEX_FEMALE,
                       {{"highazine", v1::ROUTE_INTRAMUSCULAR,
                         v1::MEDICATION_STATUS_PROPOSED, 0, 0, course}}));
    EXPECT_EQ(LevelOf(response, kAcute, "highazine"), v1::RISK_LEVEL_HIGH);
    EXPECT_EQ(FindingOf(response, kTardive), nullptr) << course;
    EXPECT_THAT(response.tardive_dyskinesia().factors(),
                Contains(HasSubstr("not judged for tardive dyskinesia")));
  }
  // ... unless the days given show the exposure, or it is a depot.
  EXPECT_NE(FindingOf(Assess(Request(40, v1::SEX_FEMALE,
                                     {{"highazine", v1::ROUTE_ORAL,
                                       v1::MEDICATION_STATUS_ACTIVE, 200, 0,
                                       v1::COURSE_SHORT}})),
                      kTardive),
            nullptr);
  EXPECT_NE(
      FindingOf(Assess(Request(40, v1::SEX_FEMALE,
                               {{"highazine decanoate", v1::ROUTE_UNSPECIFIED,
                                 v1::MEDICATION_STATUS_PROPOSED, 0, 0,
                                 v1::COURSE_SINGLE_DOSE}})),
                kTardive),
      nullptr);
}

TEST(RiskEngineTest, ProphylaxisLowersOneStepNeverBelowLowAndSaysSo) {
  const v1::CheckResponse response = Assess(Request(
      40, v1::SEX_FEMALE, {{"highazine"}, {"lowazine"}, {"protectine"}}));

  // highazine MODERATE, raised by the second blocker to HIGH, lowered to
  // MODERATE; lowazine LOW stays LOW.
  EXPECT_EQ(LevelOf(response, kAcute, "highazine"), v1::RISK_LEVEL_MODERATE);
  EXPECT_EQ(LevelOf(response, kAcute, "lowazine"), v1::RISK_LEVEL_LOW);
  const v1::Finding* prophylaxis =
      FindingOf(response, v1::Finding::PROPHYLAXIS_PRESENT);
  ASSERT_NE(prophylaxis, nullptr);
  EXPECT_FALSE(prophylaxis->citations().empty());
}

TEST(RiskEngineTest, TwoDopamineBlockersAreADuplicateBlockadeAtLeastAsHigh) {
  const v1::CheckResponse response = Assess(
      Request(40, v1::SEX_FEMALE, {{"highazine"}, {"plainol"}, {"lowazine"}}));

  const v1::Finding* duplicate =
      FindingOf(response, v1::Finding::DUPLICATE_DOPAMINE_BLOCKADE);
  ASSERT_NE(duplicate, nullptr);
  EXPECT_THAT(duplicate->medication_indexes(), ElementsAre(0, 2));
  EXPECT_FALSE(duplicate->citations().empty());
  EXPECT_GE(duplicate->level(), LevelOf(response, kAcute, "highazine"));
  EXPECT_GE(response.acute_dystonia().level(), duplicate->level());
}

TEST(RiskEngineTest, AnInhibitorRaisesTheSubstratesExposureWithAFinding) {
  const v1::CheckResponse alone =
      Assess(Request(40, v1::SEX_FEMALE, {{"highazine"}}));
  const v1::CheckResponse combined = Assess(Request(
      40, v1::SEX_FEMALE,
      {{"highazine"},
       {"inhibitol", v1::ROUTE_ORAL, v1::MEDICATION_STATUS_ACTIVE, 200}}));

  const v1::Finding* interaction =
      FindingOf(combined, v1::Finding::EXPOSURE_INTERACTION, "highazine");
  ASSERT_NE(interaction, nullptr);
  EXPECT_THAT(interaction->drug_ids(), ElementsAre("highazine", "inhibitol"));
  EXPECT_THAT(interaction->medication_indexes(), ElementsAre(0, 1));
  EXPECT_FALSE(interaction->citations().empty());
  EXPECT_GT(LevelOf(combined, kAcute, "highazine"),
            LevelOf(alone, kAcute, "highazine"));
}

TEST(RiskEngineTest, ACombinationIsJudgedByItsIngredients) {
  const v1::CheckResponse response =
      Assess(Request(40, v1::SEX_FEMALE, {{"Comboax"}}));

  ASSERT_EQ(response.assessed_size(), 1);
  EXPECT_EQ(response.assessed(0).drug_id(), "highazine-inhibitol");
  EXPECT_THAT(response.assessed(0).ingredient_ids(),
              ElementsAre("highazine", "inhibitol"));
  EXPECT_NE(FindingOf(response, kAcute, "highazine"), nullptr);
}

TEST(RiskEngineTest, EveryMedicationIsAssessedOrUnrecognizedAndSaysSo) {
  const v1::CheckRequest request =
      Request(40, v1::SEX_FEMALE,
              {{"Highax"}, {"highazin"}, {"plainol"}, {"zzzz unknown"}});

  const v1::CheckResponse response = Assess(request);

  std::vector<int> seen(request.medications_size(), 0);
  for (const auto& assessed : response.assessed()) {
    ++seen[assessed.medication_index()];
  }
  for (const auto& unrecognized : response.unrecognized()) {
    ++seen[unrecognized.medication_index()];
  }
  EXPECT_THAT(seen, ::testing::Each(1));
  ASSERT_EQ(response.unrecognized_size(), 2);
  EXPECT_THAT(response.unrecognized(0).suggestions(), Contains("highazine"));
  EXPECT_FALSE(response.complete());
  EXPECT_THAT(response.acute_dystonia().factors(),
              Contains(HasSubstr("2 medications were not recognized")));
}

TEST(RiskEngineTest, NoKnownAssociationAndAnEmptyListHaveNoFindings) {
  const v1::CheckResponse plain =
      Assess(Request(40, v1::SEX_FEMALE, {{"plainol"}}));
  EXPECT_EQ(plain.assessed_size(), 1);
  EXPECT_TRUE(plain.findings().empty());
  EXPECT_TRUE(plain.complete());

  const v1::CheckResponse empty = Assess(Request(40, v1::SEX_FEMALE, {}));
  EXPECT_TRUE(empty.findings().empty());
  EXPECT_EQ(empty.acute_dystonia().level(), v1::RISK_LEVEL_NONE);
  EXPECT_EQ(empty.request_id(), "test");
  EXPECT_THAT(empty.knowledge_base_version(), HasSubstr("engine-test"));
}

TEST(RiskEngineTest, TheBasicViewKeepsTheLevelsWithoutTheirReasons) {
  v1::CheckRequest request = Request(19, v1::SEX_MALE, {{"highazine"}});
  request.set_view(v1::CHECK_VIEW_BASIC);

  const v1::CheckResponse response = Assess(request);

  const v1::Finding* acute = FindingOf(response, kAcute, "highazine");
  ASSERT_NE(acute, nullptr);
  EXPECT_EQ(acute->level(), v1::RISK_LEVEL_HIGH);
  EXPECT_TRUE(acute->factors().empty());
  EXPECT_TRUE(acute->citations().empty());
}

TEST(RiskEngineTest, SummariesFitInACard) {
  const v1::CheckResponse response = Assess(Request(
      12, v1::SEX_MALE,
      {{"highazine decanoate"}, {"lowazine"}, {"inhibitol"}, {"protectine"}}));

  ASSERT_FALSE(response.findings().empty());
  for (const v1::Finding& finding : response.findings()) {
    EXPECT_LE(finding.summary().size(),
              static_cast<size_t>(RiskEngine::kMaxSummaryLength))
        << finding.summary();
    EXPECT_FALSE(finding.id().empty());
  }
}

TEST(RiskEngineTest, AnInvalidRequestIsRefusedAndTheResponseCleared) {
  v1::CheckResponse response;
  response.set_request_id("stale");

  EXPECT_THAT(RiskEngine::Assess(EngineTestKnowledge(),
                                 Request(130, v1::SEX_MALE, {{"highazine"}}),
                                 &response),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_TRUE(response.request_id().empty());
}

}  // namespace
}  // namespace dystonia
