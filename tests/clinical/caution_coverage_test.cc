// Every contraindication and caution of the bundled knowledge base, one by
// one (each pharmacogenomic label statement too): a patient who meets its
// trigger, given a drug it names, gets a finding
// at least as strong (a contraindication is said as one), first in the answer
// when it is a contraindication. The scenario table pins the clinically
// important cases with their sources; this keeps the other ~90 honest.

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "service/engine/risk_engine.h"
#include "tests/testing/knowledge_fixture.h"

namespace dystonia {
namespace {

using ::dystonia::testing::BundledKnowledge;
using Finding = v1::Finding;

// The first drug a scope names: a listed drug, else a member of a listed
// class that is not a combination.
const v1::Drug* FirstInScope(const v1::Scope& scope) {
  const KnowledgeSnapshot& knowledge = *BundledKnowledge();
  for (const std::string& id : scope.drug_ids()) {
    const int index = knowledge.FindDrug(id);
    if (index >= 0) return knowledge.drugs()[index].drug;
  }
  for (const DrugEntry& entry : knowledge.drugs()) {
    if (!entry.ingredients.empty()) continue;
    for (const std::string& id : scope.class_ids()) {
      for (const v1::DrugClass* drug_class : entry.classes) {
        if (drug_class->id() == id) return entry.drug;
      }
    }
  }
  return nullptr;
}

std::vector<v1::Caution> AllCautions() {
  const auto& cautions = BundledKnowledge()->bundle().caution();
  return std::vector<v1::Caution>(cautions.begin(), cautions.end());
}

class CautionCoverageTest : public ::testing::TestWithParam<v1::Caution> {};

TEST_P(CautionCoverageTest, ATriggeringPatientGetsTheFinding) {
  const v1::Caution& caution = GetParam();
  const KnowledgeSnapshot& knowledge = *BundledKnowledge();
  const v1::Drug* drug = FirstInScope(caution.drugs());
  ASSERT_NE(drug, nullptr) << "no drug in scope";

  v1::CheckRequest request;
  request.mutable_patient()->set_age_years(
      caution.below_age_years() > 0 ? caution.below_age_years() / 2 : 40);
  request.mutable_patient()->set_sex(v1::SEX_FEMALE);
  v1::Medication* ordered = request.add_medications();
  ordered->set_name(drug->name());
  // A route the caution applies to (route-limited ones, e.g. an injection's
  // contraindication, do not apply to an order without a route).
  for (v1::Route route : {v1::ROUTE_UNSPECIFIED, v1::ROUTE_INTRAMUSCULAR,
                          v1::ROUTE_ORAL, v1::ROUTE_LONG_ACTING_INJECTABLE,
                          v1::ROUTE_INTRAVENOUS}) {
    if (std::find(caution.except_routes().begin(), caution.except_routes().end(),
                  route) == caution.except_routes().end()) {
      ordered->set_route(route);
      break;
    }
  }
  if (!caution.condition_ids().empty()) {
    const std::string& id = caution.condition_ids(0);
    for (const v1::ClinicalCondition& condition : knowledge.bundle().condition()) {
      if (condition.id() == id) {
        request.mutable_patient()->add_conditions()->set_text(condition.name());
      }
    }
    ASSERT_EQ(request.patient().conditions_size(), 1) << id;
  }
  Finding::Kind expected_kind = v1::Finding::DRUG_AGE;
  if (caution.has_phenotype()) {
    // A phenotype statement: the patient's result is its first phenotype,
    // with its co-medication when it names one.
    expected_kind = v1::Finding::DRUG_PHENOTYPE;
    ASSERT_FALSE(caution.phenotype().phenotypes().empty());
    v1::PharmacogenomicResult* result =
        request.mutable_patient()->add_pharmacogenomics();
    result->set_gene(caution.phenotype().gene());
    result->set_phenotype(static_cast<v1::PharmacogenomicResult::Phenotype>(
        caution.phenotype().phenotypes(0)));
    const v1::Scope& co_medication = caution.co_medication();
    if (!co_medication.class_ids().empty() ||
        !co_medication.drug_ids().empty()) {
      const v1::Drug* partner = FirstInScope(co_medication);
      ASSERT_NE(partner, nullptr) << "no co-medication in scope";
      request.add_medications()->set_name(partner->name());
    }
  } else if (!caution.condition_ids().empty()) {
    expected_kind = v1::Finding::DRUG_CONDITION;
  } else if (caution.below_age_years() <= 0) {
    const v1::Drug* partner = FirstInScope(caution.co_medication());
    ASSERT_NE(partner, nullptr) << "no co-medication in scope";
    request.add_medications()->set_name(partner->name());
    expected_kind = v1::Finding::DRUG_COMBINATION;
  }

  v1::CheckResponse response;
  ASSERT_TRUE(RiskEngine::Assess(knowledge, request, &response).ok());

  // The caution, or a stronger one about the same subject, speaks for it
  // (a combination may also be an exposure interaction's contraindication).
  const v1::Finding* found = nullptr;
  for (const v1::Finding& finding : response.findings()) {
    const bool same_subject =
        finding.kind() == expected_kind ||
        (expected_kind == v1::Finding::DRUG_COMBINATION &&
         finding.kind() == v1::Finding::EXPOSURE_INTERACTION);
    if (!same_subject) continue;
    if (found == nullptr || absl::StartsWith(finding.id(), caution.id())) {
      found = &finding;
    }
  }
  ASSERT_NE(found, nullptr) << drug->id() << ": no "
                            << v1::Finding::Kind_Name(expected_kind);
  EXPECT_GE(found->level(), caution.level()) << found->id();
  if (caution.contraindicated()) {
    EXPECT_TRUE(found->contraindicated()) << found->id();
    EXPECT_TRUE(response.contraindicated());
    EXPECT_TRUE(response.findings(0).contraindicated());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Bundled, CautionCoverageTest, ::testing::ValuesIn(AllCautions()),
    [](const ::testing::TestParamInfo<v1::Caution>& info) {
      std::string name = info.param.id();
      for (char& c : name) {
        if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

}  // namespace
}  // namespace dystonia
