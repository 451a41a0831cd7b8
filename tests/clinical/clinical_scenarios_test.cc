// The clinical scenario suite: every row of scenarios.md is sent to a real
// server (bundled knowledge base, real RocksDB) through Check, and the
// answer must match the row's levels, finding kinds and resolved drugs.

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/clinical/scenario_table.h"
#include "tests/testing/server_fixture.h"

namespace dystonia::clinical {
namespace {

std::string ScenarioFile() {
  return std::string(DYSTONIA_SOURCE_DIR) + "/tests/clinical/scenarios.md";
}

// Parsed once; a malformed table yields no scenarios and fails
// TableIsWellFormed, which prints the row at fault.
absl::StatusOr<std::vector<Scenario>> LoadScenarios() {
  std::ifstream in(ScenarioFile());
  std::stringstream text;
  text << in.rdbuf();
  return ParseScenarioTable(text.str());
}

std::vector<Scenario> ScenariosOrEmpty() {
  auto scenarios = LoadScenarios();
  return scenarios.ok() ? *scenarios : std::vector<Scenario>();
}

std::string LevelName(v1::RiskLevel level) {
  std::string name = v1::RiskLevel_Name(level);
  return name.substr(std::string("RISK_LEVEL_").size());
}

// Everything a reviewer needs to see when a row fails.
std::string Describe(const v1::CheckResponse& response) {
  std::vector<std::string> lines;
  lines.push_back(absl::StrCat(
      "acute ", LevelName(response.acute_dystonia().level()), ", tardive ",
      LevelName(response.tardive_dyskinesia().level())));
  for (const v1::Finding& finding : response.findings()) {
    lines.push_back(absl::StrCat("  ", v1::Finding::Kind_Name(finding.kind()),
                                 finding.contraindicated() ? " CI" : "",
                                 " ", LevelName(finding.level()), ": ",
                                 finding.summary(), " [",
                                 absl::StrJoin(finding.factors(), "; "), "]"));
  }
  for (const v1::UnrecognizedMedication& unrecognized :
       response.unrecognized()) {
    lines.push_back(absl::StrCat("  unrecognized: ", unrecognized.name()));
  }
  for (const v1::AssessedCondition& condition :
       response.assessed_conditions()) {
    lines.push_back(absl::StrCat("  condition: ", condition.matched(), " -> ",
                                 condition.condition_id()));
  }
  for (const v1::UnrecognizedCondition& condition :
       response.unrecognized_conditions()) {
    lines.push_back(
        absl::StrCat("  unrecognized condition: ", condition.text()));
  }
  return absl::StrJoin(lines, "\n");
}

class ClinicalScenarioTest : public testing::ServerTest,
                             public ::testing::WithParamInterface<Scenario> {};

TEST_P(ClinicalScenarioTest, MatchesExpectation) {
  const Scenario& scenario = GetParam();
  SCOPED_TRACE(absl::StrCat("scenarios.md:", scenario.line, " (", scenario.id,
                            "; source: ", scenario.source, ")"));
  grpc::ClientContext context;
  v1::CheckResponse response;

  grpc::Status status = Stub()->Check(&context, scenario.request, &response);

  ASSERT_TRUE(status.ok()) << status.error_message();
  const std::string described = Describe(response);
  EXPECT_EQ(LevelName(response.acute_dystonia().level()),
            LevelName(scenario.acute))
      << "acute level\n"
      << described;
  EXPECT_EQ(LevelName(response.tardive_dyskinesia().level()),
            LevelName(scenario.tardive))
      << "tardive level\n"
      << described;
  std::vector<v1::Finding::Kind> kinds;
  for (const v1::Finding& finding : response.findings()) {
    kinds.push_back(finding.kind());
  }
  for (v1::Finding::Kind kind : scenario.present) {
    EXPECT_THAT(kinds, ::testing::Contains(kind))
        << v1::Finding::Kind_Name(kind) << " expected\n"
        << described;
  }
  for (v1::Finding::Kind kind : scenario.absent) {
    EXPECT_THAT(kinds, ::testing::Not(::testing::Contains(kind)))
        << v1::Finding::Kind_Name(kind) << " not expected\n"
        << described;
  }
  for (v1::Finding::Kind kind : scenario.contraindicated) {
    EXPECT_TRUE(std::any_of(response.findings().begin(),
                            response.findings().end(),
                            [kind](const v1::Finding& finding) {
                              return finding.kind() == kind &&
                                     finding.contraindicated();
                            }))
        << v1::Finding::Kind_Name(kind) << " contraindication expected\n"
        << described;
  }
  // Contraindications come first.
  if (response.contraindicated()) {
    EXPECT_TRUE(response.findings(0).contraindicated()) << described;
  }
  // Every condition comes back, assessed or unrecognized, once.
  std::vector<int> condition_seen(scenario.request.patient().conditions_size());
  for (const v1::AssessedCondition& condition :
       response.assessed_conditions()) {
    ++condition_seen[condition.condition_index()];
  }
  for (const v1::UnrecognizedCondition& condition :
       response.unrecognized_conditions()) {
    ++condition_seen[condition.condition_index()];
  }
  EXPECT_THAT(condition_seen, ::testing::Each(1)) << described;
  // Every medication comes back, assessed as the expected drug or
  // unrecognized.
  std::vector<std::string> assessed(scenario.assessed.size(), "(missing)");
  for (const v1::AssessedMedication& medication : response.assessed()) {
    assessed[medication.medication_index()] = medication.drug_id();
  }
  for (const v1::UnrecognizedMedication& medication : response.unrecognized()) {
    assessed[medication.medication_index()] = "?";
  }
  EXPECT_EQ(assessed, scenario.assessed) << described;
}

// The BASIC view is the same judgement as FULL without the explanatory
// text: same levels, same findings in the same order, same matches.
TEST_P(ClinicalScenarioTest, BasicViewGivesTheSameJudgement) {
  const Scenario& scenario = GetParam();
  v1::CheckRequest basic_request = scenario.request;
  basic_request.set_view(v1::CHECK_VIEW_BASIC);
  v1::CheckResponse full;
  v1::CheckResponse basic;
  grpc::ClientContext full_context;
  grpc::ClientContext basic_context;

  ASSERT_TRUE(Stub()->Check(&full_context, scenario.request, &full).ok());
  ASSERT_TRUE(Stub()->Check(&basic_context, basic_request, &basic).ok());

  EXPECT_EQ(basic.acute_dystonia().level(), full.acute_dystonia().level());
  EXPECT_EQ(basic.tardive_dyskinesia().level(),
            full.tardive_dyskinesia().level());
  ASSERT_EQ(basic.findings_size(), full.findings_size());
  for (int i = 0; i < full.findings_size(); ++i) {
    const v1::Finding& f = full.findings(i);
    const v1::Finding& b = basic.findings(i);
    EXPECT_EQ(b.id(), f.id());
    EXPECT_EQ(b.kind(), f.kind());
    EXPECT_EQ(b.level(), f.level());
    EXPECT_EQ(b.summary(), f.summary());
    EXPECT_EQ(b.contraindicated(), f.contraindicated());
    EXPECT_TRUE(b.citations().empty() && b.factors().empty() &&
                b.recommendations().empty() && b.detail().empty())
        << b.id();
  }
  EXPECT_EQ(basic.assessed_size(), full.assessed_size());
  EXPECT_EQ(basic.unrecognized_size(), full.unrecognized_size());
  EXPECT_LE(basic.ByteSizeLong(), full.ByteSizeLong());
}

INSTANTIATE_TEST_SUITE_P(Scenarios, ClinicalScenarioTest,
                         ::testing::ValuesIn(ScenariosOrEmpty()),
                         [](const ::testing::TestParamInfo<Scenario>& info) {
                           std::string name = info.param.id;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(ClinicalScenarioTableTest, TableIsWellFormed) {
  auto scenarios = LoadScenarios();

  ASSERT_TRUE(scenarios.ok()) << scenarios.status();
}

TEST(ClinicalScenarioTableTest, HasAtLeastSixtyScenarios) {
  EXPECT_GE(ScenariosOrEmpty().size(), 60u);
}

TEST(ClinicalScenarioTableTest, ParserRejectsARowWithoutSource) {
  auto parsed = ParseScenarioTable(
      "| id | patient | medications | acute | tardive | findings | assessed | "
      "source |\n"
      "|---|---|---|---|---|---|---|---|\n"
      "| a | M 19 | haloperidol @im | HIGH | MODERATE | - | haloperidol |  "
      "|\n");

  EXPECT_FALSE(parsed.ok());
  EXPECT_THAT(std::string(parsed.status().message()),
              ::testing::HasSubstr("scenarios.md:3"));
}

TEST(ClinicalScenarioTableTest, ParserReadsMedicationOptions) {
  auto parsed = ParseScenarioTable(
      "| id | patient | medications | acute | tardive | findings | assessed | "
      "source |\n"
      "|---|---|---|---|---|---|---|---|\n"
      "| a | F 72 prior | Haldol 5 mg @im active:400d inc:3d dose:10mg; "
      "rxcui:5093 "
      "| HIGH | HIGH | ACUTE_DYSTONIA, !PROPHYLAXIS_PRESENT | haloperidol, "
      "haloperidol | x |\n");

  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->size(), 1u);
  const v1::CheckRequest& request = (*parsed)[0].request;
  EXPECT_EQ(request.patient().sex(), v1::SEX_FEMALE);
  EXPECT_EQ(request.patient().age_years(), 72);
  EXPECT_TRUE(request.patient().prior_drug_induced_dystonia());
  ASSERT_EQ(request.medications_size(), 2);
  EXPECT_EQ(request.medications(0).name(), "Haldol 5 mg");
  EXPECT_EQ(request.medications(0).route(), v1::ROUTE_INTRAMUSCULAR);
  EXPECT_EQ(request.medications(0).status(), v1::MEDICATION_STATUS_ACTIVE);
  EXPECT_EQ(request.medications(0).days_on_therapy(), 400);
  EXPECT_EQ(request.medications(0).dose_increased_days_ago(), 3);
  EXPECT_EQ(request.medications(0).daily_dose_mg(), 10);
  EXPECT_EQ(request.medications(1).rxcui(), "5093");
  EXPECT_EQ(request.medications(1).status(), v1::MEDICATION_STATUS_PROPOSED);
  EXPECT_THAT((*parsed)[0].absent,
              ::testing::ElementsAre(v1::Finding::PROPHYLAXIS_PRESENT));
}

}  // namespace
}  // namespace dystonia::clinical
