// GetDrug, SearchDrugs and GetKnowledgeBaseInfo views of the bundled
// knowledge base: real brands, codes, contraindications and counts.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/engine/knowledge_views.h"
#include "tests/testing/knowledge_fixture.h"
#include "tests/testing/status_matchers.h"

namespace dystonia {
namespace {

using ::dystonia::testing::BundledKnowledge;
using ::dystonia::testing::StatusIs;
using ::testing::HasSubstr;

TEST(BundledViewsTest, DescribeDrugByBrandResolvesCitations) {
  auto profile = DescribeDrug(*BundledKnowledge(), "Haldol");

  ASSERT_TRUE(profile.ok()) << profile.status();
  EXPECT_EQ(profile->drug_id(), "haloperidol");
  EXPECT_EQ(profile->acute().level(), v1::RISK_LEVEL_HIGH);
  EXPECT_FALSE(profile->acute().citations().empty());
  EXPECT_FALSE(profile->acute().citations(0).title().empty());
  EXPECT_EQ(profile->match_kind(), v1::AssessedMedication::BRAND);
}

TEST(BundledViewsTest, DescribeDrugListsRouteImplyingForms) {
  auto profile = DescribeDrug(*BundledKnowledge(), "Invega Sustenna");

  ASSERT_TRUE(profile.ok()) << profile.status();
  EXPECT_EQ(profile->drug_id(), "paliperidone");
  EXPECT_EQ(profile->match_kind(), v1::AssessedMedication::FORM);
  bool listed = false;
  for (const v1::FormName& form : profile->forms()) {
    listed |= form.name() == "Invega Sustenna" &&
              form.route() == v1::ROUTE_LONG_ACTING_INJECTABLE;
  }
  EXPECT_TRUE(listed);
}

TEST(BundledViewsTest, DescribeDrugByAtcCode) {
  auto profile = DescribeDrug(*BundledKnowledge(), "n05ad01");

  ASSERT_TRUE(profile.ok()) << profile.status();
  EXPECT_EQ(profile->drug_id(), "haloperidol");
}

TEST(BundledViewsTest, UnknownDrugIsNotFoundWithSuggestion) {
  auto profile = DescribeDrug(*BundledKnowledge(), "haloperidal");

  EXPECT_THAT(profile, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(std::string(profile.status().message()),
              HasSubstr("haloperidol"));
}

TEST(BundledViewsTest, EmptyQueryIsInvalidArgument) {
  EXPECT_THAT(DescribeDrug(*BundledKnowledge(), " "),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(SearchDrugs(*BundledKnowledge(), "", 5),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(BundledViewsTest, SearchLimitOutOfRangeIsInvalidArgument) {
  EXPECT_THAT(SearchDrugs(*BundledKnowledge(), "halo", 101),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(SearchDrugs(*BundledKnowledge(), "halo", -1),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(BundledViewsTest, DescribeDrugListsContraindicationsFirstWithSources) {
  auto profile = DescribeDrug(*BundledKnowledge(), "Reglan");

  ASSERT_TRUE(profile.ok()) << profile.status();
  ASSERT_FALSE(profile->cautions().empty());
  bool seen_non_contraindication = false;
  bool tardive_history = false;
  for (const v1::CautionView& view : profile->cautions()) {
    // Contraindications first, then the other cautions.
    if (!view.caution().contraindicated()) seen_non_contraindication = true;
    EXPECT_FALSE(seen_non_contraindication && view.caution().contraindicated())
        << view.caution().id();
    EXPECT_FALSE(view.citations().empty()) << view.caution().id();
    for (const std::string& id : view.caution().condition_ids()) {
      tardive_history |= id == "history-tardive-dyskinesia" &&
                         view.caution().contraindicated();
    }
  }
  EXPECT_TRUE(tardive_history);
}

// Per kind, how many citations there are and how many name and link their
// primary source; the kinds add up to every citation.
TEST(BundledViewsTest, KnowledgeBaseInfoCountsCitationsByKind) {
  v1::KnowledgeBaseInfo info = DescribeKnowledgeBase(*BundledKnowledge());

  int total = 0;
  for (const v1::CitationKindCount& kind : info.citation_kinds()) {
    EXPECT_NE(kind.kind(), v1::Citation::KIND_UNSPECIFIED);
    EXPECT_LE(kind.primary_sources(), kind.citations());
    total += kind.citations();
  }
  EXPECT_EQ(total, info.citation_count());
  ASSERT_FALSE(info.citation_kinds().empty());
  EXPECT_EQ(info.citation_kinds(0).kind(), v1::Citation::LABEL);
}

TEST(BundledViewsTest, KnowledgeBaseInfoCountsAndSources) {
  v1::KnowledgeBaseInfo info = DescribeKnowledgeBase(*BundledKnowledge());
  EXPECT_EQ(info.condition_count(),
            BundledKnowledge()->bundle().condition_size());
  EXPECT_GT(info.condition_count(), 0);
  EXPECT_GT(info.caution_count(), 0);

  EXPECT_EQ(info.drug_count(), BundledKnowledge()->bundle().drug_size());
  EXPECT_GT(info.citation_count(), 0);
  EXPECT_FALSE(info.sources().empty());
  EXPECT_FALSE(info.version().empty());
}

}  // namespace
}  // namespace dystonia
