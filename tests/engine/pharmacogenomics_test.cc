// The engine's pharmacogenomic rules on the engine test knowledge base
// (engine_test_knowledge.h): a phenotype statement applies only to the
// phenotypes it names; a contraindication by phenotype is one; a phenotype
// raises exposure only where its statement says so, and an inhibitor of the
// same enzyme is then counted once; every result sent is accounted for.

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/engine/request_validator.h"
#include "service/engine/risk_engine.h"
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
using Phenotype = v1::PharmacogenomicResult::Phenotype;

constexpr Phenotype kPoor = v1::PharmacogenomicResult::POOR;
constexpr Phenotype kNormal = v1::PharmacogenomicResult::NORMAL;

v1::CheckRequest WithPhenotypes(
    v1::CheckRequest request,
    const std::vector<std::pair<std::string, Phenotype>>& results) {
  for (const auto& [gene, phenotype] : results) {
    v1::PharmacogenomicResult* result =
        request.mutable_patient()->add_pharmacogenomics();
    result->set_gene(gene);
    result->set_phenotype(phenotype);
  }
  return request;
}

v1::CheckResponse Assess(const v1::CheckRequest& request) {
  v1::CheckResponse response;
  EXPECT_THAT(RiskEngine::Assess(EngineTestKnowledge(), request, &response),
              IsOk());
  return response;
}

// The message of the INVALID_ARGUMENT the request gets.
std::string Refusal(const v1::CheckRequest& request) {
  v1::CheckResponse response;
  const absl::Status status =
      RiskEngine::Assess(EngineTestKnowledge(), request, &response);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  return std::string(status.message());
}

constexpr v1::Finding::Kind kPhenotype = v1::Finding::DRUG_PHENOTYPE;
constexpr v1::Finding::Kind kAcute = v1::Finding::ACUTE_DYSTONIA;
constexpr v1::Finding::Kind kInteraction = v1::Finding::EXPOSURE_INTERACTION;

TEST(PharmacogenomicsTest, APoorMetabolizerGetsTheStatementAndTheRaisedLevel) {
  const v1::CheckResponse response = Assess(WithPhenotypes(
      Request(40, v1::SEX_FEMALE, {{"phenotazine"}}), {{"CYP2D6", kPoor}}));

  const v1::Finding* statement = FindingOf(response, kPhenotype, "phenotazine");
  ASSERT_NE(statement, nullptr);
  EXPECT_EQ(statement->level(), v1::RISK_LEVEL_MODERATE);
  EXPECT_FALSE(statement->contraindicated());
  EXPECT_EQ(statement->summary(),
            "Caution: phenotazine in a CYP2D6 poor metabolizer (US label)");
  EXPECT_EQ(statement->label_section(), "US label, 2.3 Poor metabolizers");
  EXPECT_THAT(statement->recommendations(),
              Contains("Give half the usual phenotazine dose."));
  EXPECT_THAT(statement->pharmacogenomic_indexes(), ElementsAre(0));
  ASSERT_EQ(statement->citations_size(), 1);
  EXPECT_EQ(statement->citations(0).id(), "test-label-a");

  const v1::Finding* acute = FindingOf(response, kAcute, "phenotazine");
  ASSERT_NE(acute, nullptr);
  EXPECT_EQ(acute->level(), v1::RISK_LEVEL_MODERATE);  // LOW, one step up
  EXPECT_THAT(acute->factors(),
              Contains("exposure raised by CYP2D6 poor metabolizer"));
  EXPECT_THAT(acute->pharmacogenomic_indexes(), ElementsAre(0));

  ASSERT_EQ(response.assessed_pharmacogenomics_size(), 1);
  EXPECT_TRUE(response.assessed_pharmacogenomics(0).affects_judgement());
  EXPECT_THAT(response.assessed_pharmacogenomics(0).note(),
              HasSubstr("changes the judgement of phenotazine"));
}

TEST(PharmacogenomicsTest, APhenotypeTheStatementDoesNotNameChangesNothing) {
  const v1::CheckResponse response = Assess(WithPhenotypes(
      Request(40, v1::SEX_FEMALE, {{"phenotazine"}}), {{"CYP2D6", kNormal}}));

  EXPECT_EQ(FindingOf(response, kPhenotype), nullptr);
  const v1::Finding* acute = FindingOf(response, kAcute, "phenotazine");
  ASSERT_NE(acute, nullptr);
  EXPECT_EQ(acute->level(), v1::RISK_LEVEL_LOW);
  ASSERT_EQ(response.assessed_pharmacogenomics_size(), 1);
  EXPECT_FALSE(response.assessed_pharmacogenomics(0).affects_judgement());
  EXPECT_EQ(response.assessed_pharmacogenomics(0).gene(), "CYP2D6");
  EXPECT_EQ(response.assessed_pharmacogenomics(0).phenotype(), kNormal);
}

TEST(PharmacogenomicsTest,
     AContraindicationByPhenotypeIsSaidAsOneAndComesFirst) {
  for (Phenotype reduced : {kPoor, v1::PharmacogenomicResult::INTERMEDIATE}) {
    const v1::CheckResponse response = Assess(WithPhenotypes(
        Request(40, v1::SEX_FEMALE, {{"highazine"}, {"lowazine"}}),
        {{"CYP2D6", reduced}}));

    ASSERT_FALSE(response.findings().empty());
    const v1::Finding& first = response.findings(0);
    EXPECT_EQ(first.kind(), kPhenotype);
    EXPECT_TRUE(first.contraindicated());
    EXPECT_EQ(first.level(), v1::RISK_LEVEL_HIGH);
    EXPECT_THAT(first.summary(),
                HasSubstr("Contraindicated: lowazine in a CYP2D6"));
    EXPECT_EQ(first.label_section(), "US label, 4 CONTRAINDICATIONS");
    EXPECT_TRUE(response.contraindicated());
  }
}

TEST(PharmacogenomicsTest,
     AnInhibitorOfTheSameEnzymeInAPoorMetabolizerCountsOnce) {
  const v1::CheckResponse response = Assess(WithPhenotypes(
      Request(40, v1::SEX_FEMALE, {{"phenotazine"}, {"twodesixol"}}),
      {{"CYP2D6", kPoor}}));

  EXPECT_EQ(FindingOf(response, kInteraction, "phenotazine"), nullptr);
  const v1::Finding* statement = FindingOf(response, kPhenotype, "phenotazine");
  ASSERT_NE(statement, nullptr);
  EXPECT_THAT(statement->factors(),
              Contains(HasSubstr("twodesixol also inhibits CYP2D6: counted "
                                 "once, as the phenotype")));
  EXPECT_THAT(statement->medication_indexes(), ElementsAre(0, 1));
  const v1::Finding* acute = FindingOf(response, kAcute, "phenotazine");
  ASSERT_NE(acute, nullptr);
  // LOW, one step for the phenotype; not two.
  EXPECT_EQ(acute->level(), v1::RISK_LEVEL_MODERATE);
}

TEST(PharmacogenomicsTest, AContraindicatedPairIsStillSaidWhenCountedOnce) {
  const v1::CheckResponse response = Assess(WithPhenotypes(
      Request(40, v1::SEX_FEMALE, {{"lowazine"}, {"twodesixol"}}),
      {{"CYP2D6", kPoor}}));

  const v1::Finding* statement = FindingOf(response, kPhenotype, "lowazine");
  ASSERT_NE(statement, nullptr);
  EXPECT_TRUE(statement->contraindicated());
  const v1::Finding* interaction =
      FindingOf(response, kInteraction, "lowazine");
  ASSERT_NE(interaction, nullptr);
  EXPECT_TRUE(interaction->contraindicated());
  const v1::Finding* acute = FindingOf(response, kAcute, "lowazine");
  ASSERT_NE(acute, nullptr);
  // LOW, one step for the phenotype; the inhibitor's is the same step.
  EXPECT_EQ(acute->level(), v1::RISK_LEVEL_MODERATE);
}

TEST(PharmacogenomicsTest,
     ANormalMetabolizerOnAnInhibitorCountsAsTheInhibitor) {
  const v1::CheckResponse response = Assess(WithPhenotypes(
      Request(40, v1::SEX_FEMALE, {{"phenotazine"}, {"twodesixol"}}),
      {{"CYP2D6", kNormal}}));

  const v1::Finding* interaction =
      FindingOf(response, kInteraction, "phenotazine");
  ASSERT_NE(interaction, nullptr);
  EXPECT_THAT(interaction->factors(),
              Contains(HasSubstr("CYP2D6 normal metabolizer: twodesixol lowers "
                                 "the enzyme's activity toward a poor "
                                 "metabolizer's (phenoconversion)")));
  EXPECT_THAT(interaction->pharmacogenomic_indexes(), ElementsAre(0));
  EXPECT_EQ(FindingOf(response, kPhenotype), nullptr);
  const v1::Finding* acute = FindingOf(response, kAcute, "phenotazine");
  ASSERT_NE(acute, nullptr);
  EXPECT_EQ(acute->level(), v1::RISK_LEVEL_MODERATE);
}

TEST(PharmacogenomicsTest,
     AStatementAboutThePhenotypeWithAPartnerSpeaksForThePair) {
  const v1::CheckResponse response = Assess(WithPhenotypes(
      Request(40, v1::SEX_FEMALE, {{"phenotazine"}, {"inhibitol"}}),
      {{"CYP2D6", kPoor}}));

  const v1::Finding* statement = FindingOf(response, kPhenotype, "phenotazine");
  ASSERT_NE(statement, nullptr);
  EXPECT_EQ(statement->summary(),
            "Caution: phenotazine in a CYP2D6 poor metabolizer with inhibitol "
            "(US label)");
  EXPECT_THAT(statement->recommendations(),
              ElementsAre("Give a quarter of the usual phenotazine dose."));
  EXPECT_THAT(statement->factors(),
              Contains("inhibitol also raises phenotazine exposure (CYP3A4)"));
  EXPECT_EQ(FindingOf(response, kInteraction, "phenotazine"), nullptr);
  const v1::Finding* acute = FindingOf(response, kAcute, "phenotazine");
  ASSERT_NE(acute, nullptr);
  // LOW, a step for the phenotype and one for the CYP3A4 inhibitor.
  EXPECT_EQ(acute->level(), v1::RISK_LEVEL_HIGH);
}

TEST(PharmacogenomicsTest, AnInformationalStatementIsLow) {
  const v1::CheckResponse response = Assess(
      WithPhenotypes(Request(40, v1::SEX_FEMALE, {{"highazine"}}),
                     {{"CYP2C19", v1::PharmacogenomicResult::ULTRARAPID}}));

  const v1::Finding* statement = FindingOf(response, kPhenotype, "highazine");
  ASSERT_NE(statement, nullptr);
  EXPECT_EQ(statement->level(), v1::RISK_LEVEL_LOW);
  const v1::Finding* acute = FindingOf(response, kAcute, "highazine");
  ASSERT_NE(acute, nullptr);
  EXPECT_EQ(acute->level(), v1::RISK_LEVEL_MODERATE);  // not raised
}

TEST(PharmacogenomicsTest, EveryResultSentComesBackAccountedFor) {
  const v1::CheckResponse response = Assess(
      WithPhenotypes(Request(40, v1::SEX_FEMALE, {{"phenotazine"}}),
                     {{"CYP2D6", kPoor},
                      {"TPMT", kPoor},
                      {"CYP2C19", v1::PharmacogenomicResult::INDETERMINATE},
                      {" cyp2d6 ", kPoor}}));

  ASSERT_EQ(response.assessed_pharmacogenomics_size(), 3);
  EXPECT_EQ(response.assessed_pharmacogenomics(0).result_index(), 0);
  EXPECT_TRUE(response.assessed_pharmacogenomics(0).affects_judgement());
  EXPECT_EQ(response.assessed_pharmacogenomics(1).result_index(), 2);
  EXPECT_FALSE(response.assessed_pharmacogenomics(1).affects_judgement());
  EXPECT_THAT(response.assessed_pharmacogenomics(1).note(),
              HasSubstr("CYP2C19 indeterminate phenotype"));
  EXPECT_EQ(response.assessed_pharmacogenomics(2).result_index(), 3);
  EXPECT_EQ(response.assessed_pharmacogenomics(2).gene(), "CYP2D6");
  EXPECT_THAT(response.assessed_pharmacogenomics(2).note(),
              HasSubstr("the same result as position 0"));
  ASSERT_EQ(response.unrecognized_pharmacogenomics_size(), 1);
  EXPECT_EQ(response.unrecognized_pharmacogenomics(0).result_index(), 1);
  EXPECT_EQ(response.unrecognized_pharmacogenomics(0).gene(), "TPMT");
  // One finding for the result sent twice.
  int statements = 0;
  for (const v1::Finding& finding : response.findings()) {
    statements += finding.kind() == kPhenotype ? 1 : 0;
  }
  EXPECT_EQ(statements, 1);
}

TEST(PharmacogenomicsTest, TheBasicViewKeepsTheStatementsLevel) {
  v1::CheckRequest request = WithPhenotypes(
      Request(40, v1::SEX_FEMALE, {{"lowazine"}}), {{"CYP2D6", kPoor}});
  request.set_view(v1::CHECK_VIEW_BASIC);

  const v1::CheckResponse response = Assess(request);

  const v1::Finding* statement = FindingOf(response, kPhenotype, "lowazine");
  ASSERT_NE(statement, nullptr);
  EXPECT_TRUE(statement->contraindicated());
  EXPECT_TRUE(statement->factors().empty());
}

TEST(PharmacogenomicsTest, ABadResultIsRefusedNamingTheField) {
  const v1::CheckRequest base = Request(40, v1::SEX_FEMALE, {{"phenotazine"}});

  EXPECT_THAT(Refusal(WithPhenotypes(base, {{"", kPoor}})),
              HasSubstr("patient.pharmacogenomics[0].gene"));
  EXPECT_THAT(Refusal(WithPhenotypes(base, {{"CYP 2D6*4", kPoor}})),
              HasSubstr("patient.pharmacogenomics[0].gene"));
  EXPECT_THAT(Refusal(WithPhenotypes(
                  base, {{"CYP2D6",
                          v1::PharmacogenomicResult::PHENOTYPE_UNSPECIFIED}})),
              HasSubstr("patient.pharmacogenomics[0].phenotype"));
  EXPECT_THAT(
      Refusal(WithPhenotypes(base, {{"CYP2D6", kPoor}, {"CYP2D6", kNormal}})),
      HasSubstr("patient.pharmacogenomics[1].phenotype: contradicts "
                "patient.pharmacogenomics[0]"));
  std::vector<std::pair<std::string, Phenotype>> many(
      kMaxPharmacogenomicResults + 1, {"CYP2D6", kPoor});
  EXPECT_THAT(Refusal(WithPhenotypes(base, many)),
              HasSubstr("patient.pharmacogenomics: 51 given"));
}

}  // namespace
}  // namespace dystonia
