// The name resolver's rules on the engine test knowledge base
// (engine_test_knowledge.h): case, spacing, salts and strength words, brands,
// route-implying forms, codes before text, near misses suggested and never
// guessed, search. Real brands and codes: tests/clinical/bundled_names_test.

#include "service/engine/name_resolver.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/engine_test_knowledge.h"

namespace dystonia {
namespace {

using ::dystonia::engine_testing::EngineTestKnowledge;
using ::testing::Contains;

std::string DrugIdOf(const Resolution& resolution) {
  if (resolution.drug < 0) return "";
  return EngineTestKnowledge().drugs()[resolution.drug].drug->id();
}

std::string ResolveText(const std::string& text) {
  return DrugIdOf(NameResolver::ResolveText(EngineTestKnowledge(), text));
}

TEST(NameResolverTest, NamesAsPrescribersWriteThem) {
  EXPECT_EQ(ResolveText("highazine"), "highazine");
  EXPECT_EQ(ResolveText("  HIGHAZINE "), "highazine");
  EXPECT_EQ(ResolveText("Highax"), "highazine");
  EXPECT_EQ(ResolveText("highazine lactate 5 mg/mL"), "highazine");
  EXPECT_EQ(ResolveText("highazine 5mg tablets"), "highazine");
  EXPECT_EQ(ResolveText("N05XX91"), "highazine");
  EXPECT_EQ(ResolveText("900001"), "highazine");
  EXPECT_EQ(ResolveText("Comboax"), "highazine-inhibitol");
}

TEST(NameResolverTest, ANearMissIsSuggestedNeverGuessed) {
  EXPECT_EQ(ResolveText("highazin"), "");
  EXPECT_THAT(NameResolver::Suggest(EngineTestKnowledge(), "highazin"),
              Contains("highazine"));
  EXPECT_TRUE(NameResolver::Suggest(EngineTestKnowledge(), "qwxzv").empty());
}

TEST(NameResolverTest, AFormNameImpliesItsRoute) {
  const Resolution depot = NameResolver::ResolveText(
      EngineTestKnowledge(), "highazine decanoate 50 mg/mL");
  EXPECT_EQ(DrugIdOf(depot), "highazine");
  EXPECT_EQ(depot.route_hint, v1::ROUTE_LONG_ACTING_INJECTABLE);
  EXPECT_EQ(
      NameResolver::ResolveText(EngineTestKnowledge(), "Highax").route_hint,
      v1::ROUTE_UNSPECIFIED);
}

TEST(NameResolverTest, AProductCodeResolvesWithItsLevelAndRoute) {
  v1::Medication product;
  product.set_rxcui("900011");
  const Resolution resolution =
      NameResolver::Resolve(EngineTestKnowledge(), product);
  EXPECT_EQ(DrugIdOf(resolution), "highazine");
  EXPECT_EQ(resolution.match_kind, v1::AssessedMedication::RXNORM_PRODUCT);
  EXPECT_EQ(resolution.route_hint, v1::ROUTE_ORAL);
}

TEST(NameResolverTest, ACodeWinsOverTheNameAndAnUnknownCodeFallsBack) {
  v1::Medication coded;
  coded.set_name("plainol");
  coded.set_rxcui("900001");
  EXPECT_EQ(DrugIdOf(NameResolver::Resolve(EngineTestKnowledge(), coded)),
            "highazine");
  coded.set_rxcui("999999");
  EXPECT_EQ(DrugIdOf(NameResolver::Resolve(EngineTestKnowledge(), coded)),
            "plainol");
}

TEST(NameResolverTest, SearchFindsPrefixesOncePerDrugWithinTheLimit) {
  const auto matches = NameResolver::Search(EngineTestKnowledge(), "high", 10);
  ASSERT_FALSE(matches.empty());
  EXPECT_EQ(matches[0].drug_id(), "highazine");
  int highazine = 0;
  for (const auto& match : matches) highazine += match.drug_id() == "highazine";
  EXPECT_EQ(highazine, 1);
  EXPECT_LE(NameResolver::Search(EngineTestKnowledge(), "", 2).size(), 2u);
}

TEST(BoundedEditDistanceTest, CountsTranspositionAsOne) {
  EXPECT_EQ(BoundedEditDistance("haloperidol", "haloperiodl", 3), 1);
  EXPECT_EQ(BoundedEditDistance("abc", "abc", 3), 0);
  EXPECT_EQ(BoundedEditDistance("abc", "xyzabc", 2), 3);
}

TEST(LetterDistanceLowerBoundTest, CountsSubstitutionsOnceAndIgnoresOrder) {
  EXPECT_EQ(LetterDistanceLowerBound(CountLetters("abc"), CountLetters("abd")),
            1);
  EXPECT_EQ(LetterDistanceLowerBound(CountLetters("abc"), CountLetters("cab")),
            0);
  EXPECT_EQ(
      LetterDistanceLowerBound(CountLetters("abc"), CountLetters("abcde")), 2);
}

}  // namespace
}  // namespace dystonia
