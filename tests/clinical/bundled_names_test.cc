// Names, brands, salts, forms and codes as prescribers and pharmacy systems
// write them, resolved against the bundled knowledge base (its real brands
// and verified codes). The resolver's rules alone: tests/engine.
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "service/engine/name_resolver.h"
#include "tests/testing/knowledge_fixture.h"

namespace dystonia {
namespace {

using ::dystonia::testing::BundledKnowledge;
using ::testing::Contains;

std::string DrugIdOf(const Resolution& resolution) {
  if (resolution.drug < 0) return "";
  return BundledKnowledge()->drugs()[resolution.drug].drug->id();
}

struct NameCase {
  std::string text;
  std::string drug_id;
};

class BundledNameResolvesTest : public ::testing::TestWithParam<NameCase> {};

TEST_P(BundledNameResolvesTest, ResolvesToTheDrug) {
  Resolution resolution =
      NameResolver::ResolveText(*BundledKnowledge(), GetParam().text);

  EXPECT_EQ(DrugIdOf(resolution), GetParam().drug_id) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    PrescriberText, BundledNameResolvesTest,
    ::testing::Values(NameCase{"haloperidol", "haloperidol"},
                      NameCase{"HALOPERIDOL", "haloperidol"},
                      NameCase{"  Haloperidol  ", "haloperidol"},
                      NameCase{"Haldol", "haloperidol"},
                      NameCase{"Haldol Decanoate", "haloperidol"},
                      NameCase{"haloperidol lactate 5 mg/mL", "haloperidol"},
                      NameCase{"haloperidol 5mg tablets", "haloperidol"},
                      NameCase{"metoclopramide hydrochloride 10 mg tablet",
                               "metoclopramide"},
                      NameCase{"Risperdal Consta", "risperidone"},
                      NameCase{"N05AD01", "haloperidol"},
                      NameCase{"5093", "haloperidol"},
                      NameCase{"Symbyax", "olanzapine-fluoxetine"},
                      NameCase{"metformin ER 500 mg", "metformin"}));

TEST(BundledNamesTest, ProductCodesResolveWithTheirLevelAndRoute) {
  v1::Medication scd;
  scd.set_rxcui("310672");  // haloperidol 5 MG Oral Tablet
  Resolution by_scd = NameResolver::Resolve(*BundledKnowledge(), scd);
  ASSERT_GE(by_scd.drug, 0);
  EXPECT_EQ(BundledKnowledge()->drugs()[by_scd.drug].drug->id(), "haloperidol");
  EXPECT_EQ(by_scd.match_kind, v1::AssessedMedication::RXNORM_PRODUCT);
  EXPECT_EQ(by_scd.route_hint, v1::ROUTE_ORAL);

  for (const char* ndc : {"68382-080-01", "68382008001"}) {
    v1::Medication by_ndc;
    by_ndc.set_ndc(ndc);
    Resolution resolution = NameResolver::Resolve(*BundledKnowledge(), by_ndc);
    ASSERT_GE(resolution.drug, 0) << ndc;
    EXPECT_EQ(BundledKnowledge()->drugs()[resolution.drug].drug->id(),
              "haloperidol");
    EXPECT_EQ(resolution.match_kind, v1::AssessedMedication::NDC);
  }

  v1::Medication ingredient;
  ingredient.set_rxcui("5093");
  EXPECT_EQ(NameResolver::Resolve(*BundledKnowledge(), ingredient).match_kind,
            v1::AssessedMedication::RXCUI);
}

TEST(BundledNamesTest, NearMissIsNotGuessed) {
  Resolution resolution =
      NameResolver::ResolveText(*BundledKnowledge(), "haloperidal");

  EXPECT_EQ(resolution.drug, -1);
}

TEST(BundledNamesTest, NearMissGetsSuggestion) {
  EXPECT_THAT(NameResolver::Suggest(*BundledKnowledge(), "haloperidal"),
              Contains("haloperidol"));
  EXPECT_THAT(NameResolver::Suggest(*BundledKnowledge(), "risperdone 2 mg"),
              Contains("risperidone"));
}

TEST(BundledNamesTest, UnrelatedTextGetsNoSuggestion) {
  EXPECT_TRUE(NameResolver::Suggest(*BundledKnowledge(), "qwxzv").empty());
}

TEST(BundledNamesTest, EsterImpliesLongActingInjectable) {
  Resolution resolution =
      NameResolver::ResolveText(*BundledKnowledge(), "Haldol Decanoate 100");

  EXPECT_EQ(resolution.route_hint, v1::ROUTE_LONG_ACTING_INJECTABLE);
}

// A depot brand is its own name in the knowledge base, so it implies its
// route even though no word of it is an ester or a form word.
std::shared_ptr<const KnowledgeSnapshot> KnowledgeWithDepotForm() {
  v1::KnowledgeBundle bundle;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"txt(manifest { version: "1" }
            drug {
              id: "alphazine" name: "alphazine" brands: "Alphax"
              forms { name: "Alphax Depot" route: ROUTE_LONG_ACTING_INJECTABLE }
              forms { name: "Alphax Rapid" route: ROUTE_INTRAMUSCULAR }
              acute { level: RISK_LEVEL_NONE } tardive { level: RISK_LEVEL_NONE }
            })txt",
      &bundle));
  return KnowledgeSnapshot::FromBundle(bundle);
}

TEST(BundledNamesTest, FormNameImpliesItsRoute) {
  auto knowledge = KnowledgeWithDepotForm();

  Resolution depot =
      NameResolver::ResolveText(*knowledge, "ALPHAX DEPOT 100 mg");
  Resolution rapid = NameResolver::ResolveText(*knowledge, "Alphax Rapid");

  EXPECT_EQ(depot.drug, 0);
  EXPECT_EQ(depot.match_kind, v1::AssessedMedication::FORM);
  EXPECT_EQ(depot.matched_name, "Alphax Depot");
  EXPECT_EQ(depot.route_hint, v1::ROUTE_LONG_ACTING_INJECTABLE);
  EXPECT_EQ(rapid.route_hint, v1::ROUTE_INTRAMUSCULAR);
}

TEST(BundledNamesTest, BrandWithoutFormWordsImpliesNoRoute) {
  auto knowledge = KnowledgeWithDepotForm();

  Resolution resolution = NameResolver::ResolveText(*knowledge, "Alphax 5 mg");

  EXPECT_EQ(resolution.match_kind, v1::AssessedMedication::BRAND);
  EXPECT_EQ(resolution.route_hint, v1::ROUTE_UNSPECIFIED);
}

TEST(BundledNamesTest, CodeMatchKeepsTheRouteOfTheFormNamed) {
  auto knowledge = KnowledgeWithDepotForm();
  v1::Medication medication;
  medication.set_name("Alphax Depot");
  medication.set_atc_code("N05XX99");  // unknown: falls back to the name

  Resolution resolution = NameResolver::Resolve(*knowledge, medication);

  EXPECT_EQ(resolution.route_hint, v1::ROUTE_LONG_ACTING_INJECTABLE);
}

TEST(BundledNamesTest, InjectionImpliesIntramuscular) {
  Resolution resolution = NameResolver::ResolveText(
      *BundledKnowledge(), "haloperidol lactate injection 5 mg/mL");

  EXPECT_EQ(resolution.route_hint, v1::ROUTE_INTRAMUSCULAR);
}

TEST(BundledNamesTest, RxcuiWinsOverName) {
  v1::Medication medication;
  medication.set_name("something else");
  medication.set_rxcui("5093");

  Resolution resolution =
      NameResolver::Resolve(*BundledKnowledge(), medication);

  EXPECT_EQ(DrugIdOf(resolution), "haloperidol");
  EXPECT_EQ(resolution.match_kind, v1::AssessedMedication::RXCUI);
}

TEST(BundledNamesTest, UnknownCodeFallsBackToName) {
  v1::Medication medication;
  medication.set_name("haloperidol");
  medication.set_rxcui("999999999");

  Resolution resolution =
      NameResolver::Resolve(*BundledKnowledge(), medication);

  EXPECT_EQ(DrugIdOf(resolution), "haloperidol");
}

TEST(BundledNamesTest, SearchFindsPrefixesOnePerDrug) {
  std::vector<v1::DrugMatch> matches =
      NameResolver::Search(*BundledKnowledge(), "halo", 10);

  ASSERT_FALSE(matches.empty());
  int haloperidol = 0;
  for (const auto& match : matches) {
    EXPECT_EQ(match.match_kind(), v1::DrugMatch::PREFIX) << match.drug_id();
    haloperidol += match.drug_id() == "haloperidol";
  }
  EXPECT_EQ(haloperidol, 1);
}

TEST(BundledNamesTest, SearchFindsNearMisses) {
  std::vector<v1::DrugMatch> matches =
      NameResolver::Search(*BundledKnowledge(), "olanzepine", 5);

  ASSERT_FALSE(matches.empty());
  EXPECT_EQ(matches[0].drug_id(), "olanzapine");
  EXPECT_EQ(matches[0].match_kind(), v1::DrugMatch::NEAR_MISS);
}

TEST(BundledNamesTest, SearchHonoursLimit) {
  EXPECT_LE(NameResolver::Search(*BundledKnowledge(), "c", 2).size(), 2u);
}

}  // namespace
}  // namespace dystonia

namespace dystonia {
namespace {

// The near-miss prefilter may only skip names that are truly too far: its
// bound never exceeds the edit distance, over every indexed name.
TEST(LetterDistanceLowerBoundTest, NeverExceedsTheEditDistance) {
  const auto& knowledge = *testing::BundledKnowledge();
  for (const char* query : {"haloperidal", "resperidone", "metoclopramid",
                            "zyprexa zidis", "qwxzv", "abilify mantena"}) {
    const LetterCounts query_letters = CountLetters(query);
    for (const auto& [key, hit] : knowledge.sorted_names()) {
      const int distance = BoundedEditDistance(query, key, 1000);
      ASSERT_LE(LetterDistanceLowerBound(query_letters, CountLetters(key)),
                distance)
          << query << " vs " << key;
    }
  }
}

}  // namespace
}  // namespace dystonia
