// The COMPACT view on the bundled knowledge base: FULL's judgement with each
// source once per answer. A caller reading sources through FindingCitations
// gets exactly what FULL put in each finding, in the same order.

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "gtest/gtest.h"
#include "proto/views/finding_citations.h"
#include "service/engine/risk_engine.h"
#include "tests/testing/knowledge_fixture.h"

namespace dystonia {
namespace {

using ::dystonia::testing::BundledKnowledge;

// A psychiatric order set whose findings share sources: two antipsychotics
// (one intramuscular), an antiemetic, a CYP2D6 inhibitor, prophylaxis and
// common drugs.
v1::CheckRequest OrderSet(v1::CheckView view) {
  v1::CheckRequest request;
  request.set_view(view);
  request.mutable_patient()->set_age_years(24);
  request.mutable_patient()->set_sex(v1::SEX_MALE);
  for (const char* name :
       {"haloperidol 5 mg", "Risperdal 2 mg tablets", "metoclopramide 10 mg",
        "paroxetine 20 mg", "benztropine 1 mg", "metformin 500 mg",
        "Lipitor 20 mg", "lisinopril 10 mg", "omeprazole 20 mg",
        "levothyroxine 50 mcg"}) {
    request.add_medications()->set_name(name);
  }
  request.mutable_medications(0)->set_route(v1::ROUTE_INTRAMUSCULAR);
  return request;
}

v1::CheckResponse Judge(v1::CheckView view) {
  v1::CheckResponse response;
  EXPECT_TRUE(
      RiskEngine::Assess(*BundledKnowledge(), OrderSet(view), &response).ok());
  return response;
}

std::vector<std::string> Ids(const std::vector<const v1::Citation*>& sources) {
  std::vector<std::string> ids;
  for (const v1::Citation* source : sources) ids.push_back(source->id());
  return ids;
}

TEST(CompactViewTest, SameJudgementAsFullWithEachSourceOnce) {
  const v1::CheckResponse full = Judge(v1::CHECK_VIEW_FULL);
  const v1::CheckResponse compact = Judge(v1::CHECK_VIEW_COMPACT);
  ASSERT_GT(full.findings_size(), 3);
  ASSERT_EQ(compact.findings_size(), full.findings_size());
  EXPECT_EQ(compact.acute_dystonia().SerializeAsString(),
            full.acute_dystonia().SerializeAsString());
  EXPECT_EQ(compact.tardive_dyskinesia().SerializeAsString(),
            full.tardive_dyskinesia().SerializeAsString());
  int repeated_in_full = 0;
  absl::flat_hash_set<std::string> distinct_in_full;
  for (int i = 0; i < full.findings_size(); ++i) {
    const v1::Finding& f = full.findings(i);
    const v1::Finding& c = compact.findings(i);
    EXPECT_EQ(c.id(), f.id());
    EXPECT_EQ(c.level(), f.level());
    EXPECT_EQ(c.summary(), f.summary());
    EXPECT_EQ(c.detail(), f.detail());
    EXPECT_EQ(std::vector<std::string>(c.factors().begin(), c.factors().end()),
              std::vector<std::string>(f.factors().begin(), f.factors().end()));
    EXPECT_EQ(std::vector<std::string>(c.recommendations().begin(),
                                       c.recommendations().end()),
              std::vector<std::string>(f.recommendations().begin(),
                                       f.recommendations().end()));
    EXPECT_TRUE(c.citations().empty()) << c.id();
    EXPECT_TRUE(f.citation_ids().empty()) << f.id();
    EXPECT_EQ(Ids(FindingCitations(compact, c)), Ids(FindingCitations(full, f)))
        << f.id();
    for (const v1::Citation& citation : f.citations()) {
      if (!distinct_in_full.insert(citation.id()).second) ++repeated_in_full;
    }
  }
  // Every source FULL cites is in the COMPACT answer once, in full.
  absl::flat_hash_set<std::string> carried;
  for (const v1::Citation& citation : compact.citations()) {
    EXPECT_TRUE(carried.insert(citation.id()).second)
        << citation.id() << " is carried twice";
    EXPECT_FALSE(citation.url().empty()) << citation.id();
  }
  EXPECT_EQ(carried, distinct_in_full);
  EXPECT_TRUE(full.citations().empty());
  // The point of the view: this order set repeats sources across findings.
  EXPECT_GT(repeated_in_full, 0);
  EXPECT_LT(compact.ByteSizeLong(), full.ByteSizeLong());
}

TEST(CompactViewTest, BasicCarriesNoSourcesAtAll) {
  const v1::CheckResponse basic = Judge(v1::CHECK_VIEW_BASIC);
  EXPECT_TRUE(basic.citations().empty());
  for (const v1::Finding& finding : basic.findings()) {
    EXPECT_TRUE(finding.citations().empty());
    EXPECT_TRUE(finding.citation_ids().empty());
    EXPECT_TRUE(FindingCitations(basic, finding).empty());
  }
}

}  // namespace
}  // namespace dystonia
