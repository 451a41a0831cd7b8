// What a finding cites, on the bundled knowledge base: the few sources that
// carry its claim, the drug's own label first; a recommendation's sources
// stay with the recommendation (GetDrug), not in every finding.

#include <string>

#include "absl/container/flat_hash_set.h"
#include "gtest/gtest.h"
#include "service/engine/risk_engine.h"
#include "tests/testing/knowledge_fixture.h"

namespace dystonia {
namespace {

using ::dystonia::testing::BundledKnowledge;

v1::CheckResponse Judge(const std::string& drug, v1::Route route, double age,
                        v1::Sex sex) {
  v1::CheckRequest request;
  request.mutable_patient()->set_age_years(age);
  request.mutable_patient()->set_sex(sex);
  v1::Medication* medication = request.add_medications();
  medication->set_name(drug);
  medication->set_route(route);
  v1::CheckResponse response;
  EXPECT_TRUE(RiskEngine::Assess(*BundledKnowledge(), request, &response).ok());
  return response;
}

// The ids cited only by recommendations, never by a liability, modifier,
// interaction, class, caution or condition.
absl::flat_hash_set<std::string> RecommendationOnlyCitations() {
  const v1::KnowledgeBundle& bundle = BundledKnowledge()->bundle();
  absl::flat_hash_set<std::string> claims;
  auto add = [&claims](const auto& ids) { claims.insert(ids.begin(), ids.end()); };
  for (const v1::Drug& drug : bundle.drug()) {
    add(drug.acute().citation_ids());
    add(drug.tardive().citation_ids());
    for (const auto& route : drug.route_liabilities()) {
      add(route.acute().citation_ids());
      add(route.tardive().citation_ids());
    }
    for (const auto& threshold : drug.dose_thresholds()) add(threshold.citation_ids());
  }
  for (const auto& drug_class : bundle.drug_class()) add(drug_class.citation_ids());
  for (const auto& modifier : bundle.modifier()) add(modifier.citation_ids());
  for (const auto& interaction : bundle.interaction()) add(interaction.citation_ids());
  for (const auto& caution : bundle.caution()) add(caution.citation_ids());
  for (const auto& condition : bundle.condition()) add(condition.citation_ids());
  absl::flat_hash_set<std::string> only;
  for (const auto& recommendation : bundle.recommendation()) {
    for (const std::string& id : recommendation.citation_ids())
      if (!claims.contains(id)) only.insert(id);
  }
  return only;
}

TEST(AnswerCitationsTest, FindingsCiteTheirClaimNotTheAdvice) {
  const absl::flat_hash_set<std::string> advice_only = RecommendationOnlyCitations();
  ASSERT_FALSE(advice_only.empty());
  for (const char* drug : {"haloperidol", "metoclopramide", "prochlorperazine",
                           "risperidone", "chlorpromazine"}) {
    for (v1::Route route : {v1::ROUTE_ORAL, v1::ROUTE_INTRAMUSCULAR}) {
      const v1::CheckResponse response =
          Judge(drug, route, 19, v1::SEX_MALE);
      ASSERT_GT(response.findings_size(), 0) << drug;
      for (const v1::Finding& finding : response.findings()) {
        EXPECT_FALSE(finding.citations().empty()) << finding.id();
        for (const v1::Citation& citation : finding.citations()) {
          EXPECT_FALSE(advice_only.contains(citation.id()))
              << finding.id() << " cites " << citation.id()
              << ", a source of advice only";
        }
      }
    }
  }
}

// Of the sources of a drug's own liability, its labels come before the
// papers that compare drugs: the label is what a pharmacist checks first.
TEST(AnswerCitationsTest, TheDrugsOwnLabelComesFirst) {
  int with_label = 0;
  for (const v1::Drug& drug : BundledKnowledge()->bundle().drug()) {
    if (!drug.route_liabilities().empty()) continue;  // the oral claim is drug.acute
    const auto& claim = drug.acute().citation_ids();
    absl::flat_hash_set<std::string> own(claim.begin(), claim.end());
    const v1::CheckResponse response =
        Judge(drug.name(), v1::ROUTE_ORAL, 40, v1::SEX_FEMALE);
    for (const v1::Finding& finding : response.findings()) {
      if (finding.kind() != v1::Finding::ACUTE_DYSTONIA) continue;
      bool seen_other = false;
      for (const v1::Citation& citation : finding.citations()) {
        if (!own.contains(citation.id())) continue;
        const bool label = citation.kind() == v1::Citation::LABEL;
        EXPECT_FALSE(label && seen_other)
            << drug.id() << ": label " << citation.id() << " after a paper";
        seen_other = seen_other || !label;
        with_label += label ? 1 : 0;
      }
    }
  }
  EXPECT_GT(with_label, 10);
}

}  // namespace
}  // namespace dystonia
