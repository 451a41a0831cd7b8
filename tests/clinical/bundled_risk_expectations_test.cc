// What the engine answers on the bundled knowledge base: real drugs' tiers,
// brands, interactions and combinations. A reviewed tier change belongs
// here; the engine's rules alone are tested on a small knowledge base in
// tests/engine/risk_engine_test.cc.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/engine/risk_engine.h"
#include "tests/testing/engine_requests.h"
#include "tests/testing/knowledge_fixture.h"
#include "tests/testing/status_matchers.h"

namespace dystonia {
namespace {

using ::dystonia::testing::BundledKnowledge;
using ::dystonia::testing::FindingOf;
using ::dystonia::testing::IsOk;
using ::dystonia::testing::Med;
using ::dystonia::testing::Request;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Ge;
using ::testing::Le;

v1::CheckResponse Assess(const v1::CheckRequest& request) {
  v1::CheckResponse response;
  absl::Status status =
      RiskEngine::Assess(*BundledKnowledge(), request, &response);
  EXPECT_THAT(status, IsOk());
  return response;
}

v1::RiskLevel AcuteLevelOf(const std::string& drug, double age, v1::Sex sex) {
  v1::CheckResponse response = Assess(Request(age, sex, {{drug}}));
  const v1::Finding* finding =
      FindingOf(response, v1::Finding::ACUTE_DYSTONIA, drug);
  return finding == nullptr ? v1::RISK_LEVEL_NONE : finding->level();
}

std::vector<v1::Citation::Kind> CitationKinds(const v1::Finding& finding) {
  std::vector<v1::Citation::Kind> kinds;
  for (const v1::Citation& citation : finding.citations()) {
    kinds.push_back(citation.kind());
  }
  return kinds;
}

TEST(BundledRiskTest, HaloperidolIntramuscularInYoungManIsHigh) {
  v1::CheckRequest request =
      Request(19, v1::SEX_MALE, {{"haloperidol", v1::ROUTE_INTRAMUSCULAR}});

  v1::CheckResponse response = Assess(request);

  EXPECT_EQ(response.acute_dystonia().level(), v1::RISK_LEVEL_HIGH);
  const v1::Finding* acute =
      FindingOf(response, v1::Finding::ACUTE_DYSTONIA, "haloperidol");
  ASSERT_NE(acute, nullptr);
  EXPECT_EQ(acute->level(), v1::RISK_LEVEL_HIGH);
  EXPECT_THAT(CitationKinds(*acute), Contains(v1::Citation::LABEL));
  EXPECT_THAT(CitationKinds(*acute), Contains(v1::Citation::LITERATURE));
  EXPECT_THAT(acute->medication_indexes(), ElementsAre(0));
  EXPECT_FALSE(acute->factors().empty());
  EXPECT_FALSE(acute->recommendations().empty());
}

TEST(BundledRiskTest, HaloperidolForTwoYearsInOlderWomanIsTardiveHigh) {
  v1::CheckRequest request = Request(
      75, v1::SEX_FEMALE,
      {{"haloperidol", v1::ROUTE_ORAL, v1::MEDICATION_STATUS_ACTIVE, 730}});

  v1::CheckResponse response = Assess(request);

  EXPECT_EQ(response.tardive_dyskinesia().level(), v1::RISK_LEVEL_HIGH);
  const v1::Finding* tardive =
      FindingOf(response, v1::Finding::TARDIVE_DYSKINESIA, "haloperidol");
  ASSERT_NE(tardive, nullptr);
  EXPECT_FALSE(tardive->citations().empty());
  // Steady therapy: no acute finding, acute risk low.
  EXPECT_EQ(FindingOf(response, v1::Finding::ACUTE_DYSTONIA), nullptr);
  EXPECT_EQ(response.acute_dystonia().level(), v1::RISK_LEVEL_LOW);
}

TEST(BundledRiskTest, LongTermQuetiapineInAdultIsAtMostLowForAcute) {
  v1::CheckRequest request = Request(
      45, v1::SEX_MALE,
      {{"quetiapine", v1::ROUTE_ORAL, v1::MEDICATION_STATUS_ACTIVE, 500}});

  v1::CheckResponse response = Assess(request);

  EXPECT_THAT(response.acute_dystonia().level(), Le(v1::RISK_LEVEL_LOW));
}

TEST(BundledRiskTest, NearPlaceboAgentIsNotLiftedAbovePatientFactors) {
  // A 16-year-old boy: young, male and a child, yet clozapine stays LOW.
  v1::CheckResponse response =
      Assess(Request(16, v1::SEX_MALE, {{"clozapine"}}));

  const v1::Finding* acute =
      FindingOf(response, v1::Finding::ACUTE_DYSTONIA, "clozapine");
  ASSERT_NE(acute, nullptr);
  EXPECT_EQ(acute->level(), v1::RISK_LEVEL_LOW);
}

TEST(BundledRiskTest, PriorDystonicReactionIsNeverCapped) {
  // The review's case: a young man with a previous dystonia on amisulpride
  // must not stay LOW while the same man on paliperidone reaches HIGH; and
  // even a near-placebo agent is raised by a previous reaction.
  for (const char* drug : {"amisulpride", "paliperidone", "clozapine"}) {
    const v1::CheckResponse without =
        Assess(Request(40, v1::SEX_FEMALE, {{drug}}));
    const v1::CheckResponse with =
        Assess(Request(40, v1::SEX_FEMALE, {{drug}}, /*prior_dystonia=*/true));
    const v1::Finding* before =
        FindingOf(without, v1::Finding::ACUTE_DYSTONIA, drug);
    const v1::Finding* after =
        FindingOf(with, v1::Finding::ACUTE_DYSTONIA, drug);
    ASSERT_NE(before, nullptr) << drug;
    ASSERT_NE(after, nullptr) << drug;
    EXPECT_GT(after->level(), before->level()) << drug;
  }
  auto young_man_with_prior = [](const std::string& drug) {
    const v1::CheckResponse response =
        Assess(Request(20, v1::SEX_MALE, {{drug}}, /*prior_dystonia=*/true));
    const v1::Finding* acute =
        FindingOf(response, v1::Finding::ACUTE_DYSTONIA, drug);
    return acute == nullptr ? v1::RISK_LEVEL_NONE : acute->level();
  };
  EXPECT_EQ(young_man_with_prior("amisulpride"), v1::RISK_LEVEL_HIGH);
  EXPECT_EQ(young_man_with_prior("paliperidone"), v1::RISK_LEVEL_HIGH);
}

TEST(BundledRiskTest, AcuteLiabilityFollowsTheNetworkMetaAnalysisOrder) {
  // A neutral patient so only drug liability speaks: haloperidol above
  // risperidone above olanzapine, aripiprazole and quetiapine; clozapine not
  // above them.
  auto level = [](const std::string& drug) {
    return AcuteLevelOf(drug, 45, v1::SEX_FEMALE);
  };

  EXPECT_GT(level("haloperidol"), level("risperidone"));
  EXPECT_GT(level("risperidone"), level("olanzapine"));
  EXPECT_GT(level("risperidone"), level("aripiprazole"));
  EXPECT_GT(level("risperidone"), level("quetiapine"));
  EXPECT_LE(level("clozapine"), level("olanzapine"));
  EXPECT_LE(level("clozapine"), level("quetiapine"));
}

TEST(BundledRiskTest, DoseIncreaseReopensTheAcuteWindow) {
  v1::CheckRequest request =
      Request(30, v1::SEX_MALE,
              {{"risperidone", v1::ROUTE_ORAL, v1::MEDICATION_STATUS_ACTIVE,
                300, /*increased_days_ago=*/3}});

  v1::CheckResponse response = Assess(request);

  EXPECT_NE(FindingOf(response, v1::Finding::ACUTE_DYSTONIA, "risperidone"),
            nullptr);
}

TEST(BundledRiskTest, ProphylaxisLowersAcuteLevelOneStepAndSaysSo) {
  const v1::CheckRequest without =
      Request(40, v1::SEX_FEMALE, {{"risperidone"}});
  const v1::CheckRequest with =
      Request(40, v1::SEX_FEMALE, {{"risperidone"}, {"benztropine"}});

  v1::CheckResponse before = Assess(without);
  v1::CheckResponse after = Assess(with);

  const v1::Finding* acute_before =
      FindingOf(before, v1::Finding::ACUTE_DYSTONIA, "risperidone");
  const v1::Finding* acute_after =
      FindingOf(after, v1::Finding::ACUTE_DYSTONIA, "risperidone");
  ASSERT_NE(acute_before, nullptr);
  ASSERT_NE(acute_after, nullptr);
  EXPECT_EQ(acute_after->level(), acute_before->level() - 1);
  const v1::Finding* prophylaxis =
      FindingOf(after, v1::Finding::PROPHYLAXIS_PRESENT);
  ASSERT_NE(prophylaxis, nullptr);
  EXPECT_FALSE(prophylaxis->citations().empty());
}

TEST(BundledRiskTest, ProphylaxisNeverLowersBelowLow) {
  v1::CheckRequest request =
      Request(40, v1::SEX_FEMALE, {{"aripiprazole"}, {"benztropine"}});

  v1::CheckResponse response = Assess(request);

  const v1::Finding* acute =
      FindingOf(response, v1::Finding::ACUTE_DYSTONIA, "aripiprazole");
  ASSERT_NE(acute, nullptr);
  EXPECT_EQ(acute->level(), v1::RISK_LEVEL_LOW);
}

TEST(BundledRiskTest, TwoDopamineBlockersGiveDuplicateBlockadeFinding) {
  v1::CheckRequest request = Request(
      30, v1::SEX_FEMALE, {{"haloperidol"}, {"metformin"}, {"metoclopramide"}});

  v1::CheckResponse response = Assess(request);

  const v1::Finding* duplicate =
      FindingOf(response, v1::Finding::DUPLICATE_DOPAMINE_BLOCKADE);
  ASSERT_NE(duplicate, nullptr);
  EXPECT_THAT(duplicate->medication_indexes(), ElementsAre(0, 2));
  EXPECT_FALSE(duplicate->citations().empty());
  int highest_single = v1::RISK_LEVEL_NONE;
  for (const v1::Finding& finding : response.findings()) {
    if (finding.kind() == v1::Finding::ACUTE_DYSTONIA) {
      highest_single =
          std::max(highest_single, static_cast<int>(finding.level()));
    }
  }
  EXPECT_THAT(static_cast<int>(response.acute_dystonia().level()),
              Ge(highest_single));
  EXPECT_THAT(static_cast<int>(duplicate->level()), Ge(highest_single));
}

// Paroxetine with pimozide matches two rules (a labelled contraindication
// and the strong-CYP2D6 rule): the pair gets one finding, the
// contraindication, and raises the substrate once.
TEST(BundledRiskTest, OneInteractionFindingPerPairTheContraindicationFirst) {
  v1::CheckResponse response =
      Assess(Request(40, v1::SEX_FEMALE, {{"pimozide"}, {"paroxetine"}}));

  int interactions = 0;
  for (const v1::Finding& finding : response.findings()) {
    if (finding.kind() != v1::Finding::EXPOSURE_INTERACTION) continue;
    ++interactions;
    EXPECT_TRUE(finding.contraindicated());
    EXPECT_THAT(finding.drug_ids(), ElementsAre("pimozide", "paroxetine"));
  }
  EXPECT_EQ(interactions, 1);
  const v1::Finding* acute =
      FindingOf(response, v1::Finding::ACUTE_DYSTONIA, "pimozide");
  ASSERT_NE(acute, nullptr);
  int raised = 0;
  for (const std::string& factor : acute->factors()) {
    raised += factor.rfind("exposure raised by", 0) == 0;
  }
  EXPECT_EQ(raised, 1);
}

// A co-medication condition: cocaine use raises an antipsychotic's acute
// level (van Harten 1998), and only when cocaine is in the list.
TEST(BundledRiskTest, CocaineUseRaisesAntipsychoticAcuteLevel) {
  v1::CheckResponse without =
      Assess(Request(40, v1::SEX_FEMALE, {{"risperidone"}}));
  v1::CheckResponse with =
      Assess(Request(40, v1::SEX_FEMALE, {{"risperidone"}, {"cocaine"}}));

  const v1::Finding* before =
      FindingOf(without, v1::Finding::ACUTE_DYSTONIA, "risperidone");
  const v1::Finding* after =
      FindingOf(with, v1::Finding::ACUTE_DYSTONIA, "risperidone");
  ASSERT_NE(before, nullptr);
  ASSERT_NE(after, nullptr);
  EXPECT_EQ(after->level(), before->level() + 1);
  EXPECT_THAT(after->factors(), Contains(::testing::HasSubstr("with cocaine")));
}

TEST(BundledRiskTest, StrongCyp2d6InhibitorRaisesAripiprazoleExposure) {
  const v1::CheckRequest alone =
      Request(40, v1::SEX_FEMALE, {{"aripiprazole"}});
  const v1::CheckRequest combined = Request(
      40, v1::SEX_FEMALE,
      {{"aripiprazole"},
       {"paroxetine", v1::ROUTE_ORAL, v1::MEDICATION_STATUS_ACTIVE, 200}});

  v1::CheckResponse before = Assess(alone);
  v1::CheckResponse after = Assess(combined);

  const v1::Finding* interaction =
      FindingOf(after, v1::Finding::EXPOSURE_INTERACTION, "aripiprazole");
  ASSERT_NE(interaction, nullptr);
  EXPECT_THAT(interaction->drug_ids(),
              ElementsAre("aripiprazole", "paroxetine"));
  EXPECT_THAT(interaction->medication_indexes(), ElementsAre(0, 1));
  EXPECT_FALSE(interaction->recommendations().empty());
  EXPECT_FALSE(interaction->citations().empty());
  EXPECT_GT(
      FindingOf(after, v1::Finding::ACUTE_DYSTONIA, "aripiprazole")->level(),
      FindingOf(before, v1::Finding::ACUTE_DYSTONIA, "aripiprazole")->level());
}

TEST(BundledRiskTest,
     MetoclopramideBeyondTwelveWeeksInOlderWomanIsTardiveHigh) {
  v1::CheckRequest request =
      Request(70, v1::SEX_FEMALE,
              {{"Reglan", v1::ROUTE_ORAL, v1::MEDICATION_STATUS_ACTIVE, 120}});

  v1::CheckResponse response = Assess(request);

  const v1::Finding* tardive =
      FindingOf(response, v1::Finding::TARDIVE_DYSKINESIA, "metoclopramide");
  ASSERT_NE(tardive, nullptr);
  EXPECT_EQ(tardive->level(), v1::RISK_LEVEL_HIGH);
}

TEST(BundledRiskTest, ProposedTardiveRiskIsOneStepBelowEstablished) {
  v1::CheckResponse proposed =
      Assess(Request(50, v1::SEX_MALE, {{"risperidone"}}));
  v1::CheckResponse established = Assess(Request(
      50, v1::SEX_MALE,
      {{"risperidone", v1::ROUTE_ORAL, v1::MEDICATION_STATUS_ACTIVE, 200}}));

  EXPECT_EQ(
      FindingOf(proposed, v1::Finding::TARDIVE_DYSKINESIA)->level(),
      FindingOf(established, v1::Finding::TARDIVE_DYSKINESIA)->level() - 1);
}

TEST(BundledRiskTest, CombinationProductIsJudgedByItsIngredients) {
  v1::CheckRequest request = Request(30, v1::SEX_MALE, {{"Symbyax"}});

  v1::CheckResponse response = Assess(request);

  ASSERT_EQ(response.assessed_size(), 1);
  EXPECT_EQ(response.assessed(0).drug_id(), "olanzapine-fluoxetine");
  EXPECT_THAT(response.assessed(0).ingredient_ids(),
              ElementsAre("olanzapine", "fluoxetine"));
  EXPECT_NE(FindingOf(response, v1::Finding::ACUTE_DYSTONIA, "olanzapine"),
            nullptr);
}

TEST(BundledRiskTest, EveryMedicationIsAssessedOrUnrecognized) {
  v1::CheckRequest request = Request(50, v1::SEX_FEMALE,
                                     {{"Haldol"},
                                      {"haloperidal"},
                                      {"metformin"},
                                      {"zzzz unknown"},
                                      {"Prozac"}});

  v1::CheckResponse response = Assess(request);

  std::vector<int> seen(request.medications_size(), 0);
  for (const auto& assessed : response.assessed()) {
    seen[assessed.medication_index()]++;
  }
  for (const auto& unrecognized : response.unrecognized()) {
    seen[unrecognized.medication_index()]++;
  }
  EXPECT_THAT(seen, ::testing::Each(1));
  ASSERT_EQ(response.unrecognized_size(), 2);
  EXPECT_EQ(response.unrecognized(0).name(), "haloperidal");
  EXPECT_THAT(response.unrecognized(0).suggestions(), Contains("haloperidol"));
}

TEST(BundledRiskTest, EmptyMedicationListHasNoFindings) {
  v1::CheckResponse response = Assess(Request(30, v1::SEX_MALE, {}));

  EXPECT_TRUE(response.findings().empty());
  EXPECT_EQ(response.acute_dystonia().level(), v1::RISK_LEVEL_NONE);
  EXPECT_EQ(response.tardive_dyskinesia().level(), v1::RISK_LEVEL_NONE);
  EXPECT_EQ(response.request_id(), "test");
  EXPECT_FALSE(response.knowledge_base_version().empty());
}

TEST(BundledRiskTest, DrugsWithNoKnownAssociationAreRecognizedWithoutFindings) {
  v1::CheckResponse response = Assess(Request(
      60, v1::SEX_MALE, {{"metformin"}, {"lisinopril"}, {"atorvastatin"}}));

  EXPECT_EQ(response.assessed_size(), 3);
  EXPECT_TRUE(response.findings().empty());
}

TEST(BundledRiskTest, SummariesFitInACard) {
  v1::CheckResponse response = Assess(
      Request(12, v1::SEX_MALE,
              {{"haloperidol decanoate", v1::ROUTE_LONG_ACTING_INJECTABLE},
               {"metoclopramide", v1::ROUTE_INTRAVENOUS},
               {"prochlorperazine"},
               {"aripiprazole"},
               {"paroxetine"},
               {"benztropine"}}));

  ASSERT_FALSE(response.findings().empty());
  for (const v1::Finding& finding : response.findings()) {
    EXPECT_LE(finding.summary().size(),
              static_cast<size_t>(RiskEngine::kMaxSummaryLength))
        << finding.summary();
    EXPECT_FALSE(finding.id().empty());
  }
}

}  // namespace
}  // namespace dystonia
