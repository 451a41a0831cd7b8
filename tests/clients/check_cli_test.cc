#include "clients/check/check_cli.h"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/server_fixture.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"

namespace dystonia {
namespace {

using ::dystonia::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(CheckCliTest, MedicationOptionsApplyToThePrecedingMed) {
  auto invocation = ParseCheckArguments(
      {"--age", "19", "--sex", "male", "--med", "Haldol", "--route",
       "intramuscular", "--med", "metformin", "--days=400"});

  ASSERT_TRUE(invocation.ok()) << invocation.status();
  const v1::CheckRequest& request = invocation->request;
  EXPECT_EQ(request.patient().age_years(), 19);
  EXPECT_EQ(request.patient().sex(), v1::SEX_MALE);
  ASSERT_EQ(request.medications_size(), 2);
  EXPECT_EQ(request.medications(0).route(), v1::ROUTE_INTRAMUSCULAR);
  EXPECT_EQ(request.medications(1).route(), v1::ROUTE_UNSPECIFIED);
  EXPECT_EQ(request.medications(1).days_on_therapy(), 400);
  EXPECT_EQ(request.medications(1).status(), v1::MEDICATION_STATUS_ACTIVE);
}

TEST(CheckCliTest, CourseAppliesToThePrecedingMed) {
  auto invocation = ParseCheckArguments(
      {"--age", "19", "--med", "haloperidol", "--route", "im", "--course",
       "single_dose", "--med", "olanzapine", "--course", "long-term"});

  ASSERT_TRUE(invocation.ok()) << invocation.status();
  EXPECT_EQ(invocation->request.medications(0).course(),
            v1::COURSE_SINGLE_DOSE);
  EXPECT_EQ(invocation->request.medications(1).course(), v1::COURSE_LONG_TERM);
  auto twice = ParseCheckArguments(
      {"--age", "19", "--med", "haloperidol", "--course", "twice"});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(twice.status().message(),
              HasSubstr("--course: 'twice' is not one of single_dose"));
}

TEST(CheckCliTest, RouteAbbreviationsAndEnumNamesAreAccepted) {
  auto invocation = ParseCheckArguments({"--age", "40", "--med", "a", "--route",
                                         "IM", "--med", "b", "--route",
                                         "ROUTE_LONG_ACTING_INJECTABLE"});

  ASSERT_TRUE(invocation.ok()) << invocation.status();
  EXPECT_EQ(invocation->request.medications(0).route(),
            v1::ROUTE_INTRAMUSCULAR);
  EXPECT_EQ(invocation->request.medications(1).route(),
            v1::ROUTE_LONG_ACTING_INJECTABLE);
}

// The readable report cites each source once (COMPACT); --json keeps FULL's
// shape for scripts that read each finding's citations; --view overrides.
TEST(CheckCliTest, ViewFitsTheOutput) {
  auto report = ParseCheckArguments({"--age", "40", "--med", "a"});
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->request.view(), v1::CHECK_VIEW_COMPACT);
  auto json = ParseCheckArguments({"--age", "40", "--json", "--med", "a"});
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(json->request.view(), v1::CHECK_VIEW_FULL);
  auto basic = ParseCheckArguments(
      {"--age", "40", "--json", "--view", "basic", "--med", "a"});
  ASSERT_TRUE(basic.ok()) << basic.status();
  EXPECT_EQ(basic->request.view(), v1::CHECK_VIEW_BASIC);
  auto unknown = ParseCheckArguments({"--age", "40", "--view", "everything"});
  EXPECT_THAT(unknown.status(), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(unknown.status().message(), HasSubstr("--view"));
}

TEST(CheckCliTest, RouteBeforeAnyMedIsInvalidArgument) {
  EXPECT_THAT(ParseCheckArguments({"--age", "40", "--route", "oral"}),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(CheckCliTest, MissingAgeIsInvalidArgument) {
  EXPECT_THAT(ParseCheckArguments({"--med", "haloperidol"}),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(CheckCliTest, UnknownRouteIsInvalidArgument) {
  EXPECT_THAT(
      ParseCheckArguments({"--age", "4", "--med", "x", "--route", "nasal"}),
      StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(CheckCliTest, ReportShowsLevelsFindingsAndUnrecognized) {
  v1::CheckRequest request;
  request.add_medications()->set_name("Haldol");
  request.add_medications()->set_name("haloperidal");
  v1::CheckResponse response;
  response.mutable_acute_dystonia()->set_level(v1::RISK_LEVEL_HIGH);
  response.mutable_tardive_dyskinesia()->set_level(v1::RISK_LEVEL_MODERATE);
  v1::Finding* finding = response.add_findings();
  finding->set_level(v1::RISK_LEVEL_HIGH);
  finding->set_summary("Acute dystonia risk HIGH: haloperidol");
  finding->add_factors("male, 19 years: elevated risk in young males");
  finding->add_recommendations("Counsel on early signs");
  v1::Citation* citation = finding->add_citations();
  citation->set_kind(v1::Citation::LABEL);
  citation->set_title("HALDOL prescribing information");
  auto* assessed = response.add_assessed();
  assessed->set_medication_index(0);
  assessed->set_drug_name("haloperidol");
  auto* unrecognized = response.add_unrecognized();
  unrecognized->set_medication_index(1);
  unrecognized->set_name("haloperidal");
  unrecognized->add_suggestions("haloperidol");

  const std::string report = FormatCheckReport(request, response);

  EXPECT_THAT(report, HasSubstr("Acute dystonia:      HIGH"));
  EXPECT_THAT(report, HasSubstr("Tardive dyskinesia:  MODERATE"));
  EXPECT_THAT(report, HasSubstr("elevated risk in young males"));
  EXPECT_THAT(report, HasSubstr("Counsel on early signs"));
  EXPECT_THAT(report, HasSubstr("[label] HALDOL prescribing information"));
  EXPECT_THAT(report, HasSubstr("haloperidal -> NOT RECOGNIZED"));
  EXPECT_THAT(report, HasSubstr("did you mean: haloperidol"));
}

// Issue 21: each source once per answer, listed after the findings; each
// finding carries the numbers of its sources; classes show their names.
TEST(CheckCliTest, ReportNumbersEachSourceOnceAndNamesClasses) {
  v1::CheckRequest request;
  request.add_medications()->set_name("haloperidol");
  v1::CheckResponse response;
  v1::Finding* acute = response.add_findings();
  acute->set_level(v1::RISK_LEVEL_HIGH);
  acute->set_summary("Acute dystonia risk HIGH");
  acute->add_citation_ids("label-us-warnings");
  acute->add_citation_ids("paper");
  v1::Finding* tardive = response.add_findings();
  tardive->set_level(v1::RISK_LEVEL_MODERATE);
  tardive->set_summary("Tardive dyskinesia risk MODERATE");
  tardive->add_citation_ids("label-us-geriatric");
  const std::string label_url =
      "https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid=82305b49";
  v1::Citation* warnings = response.add_citations();
  warnings->set_id("label-us-warnings");
  warnings->set_kind(v1::Citation::LABEL);
  warnings->set_title("HALOPERIDOL tablet label");
  warnings->set_section("Warnings");
  warnings->set_url(label_url);
  v1::Citation* paper = response.add_citations();
  paper->set_id("paper");
  paper->set_kind(v1::Citation::LITERATURE);
  paper->set_title("Drug-induced dystonia");
  v1::Citation* geriatric = response.add_citations();
  *geriatric = *warnings;
  geriatric->set_id("label-us-geriatric");
  geriatric->set_section("Geriatric Use");
  v1::AssessedMedication* assessed = response.add_assessed();
  assessed->set_drug_name("haloperidol");
  assessed->add_classes("antipsychotic-fga-high-potency");
  assessed->add_class_names("First-generation antipsychotics, high potency");

  const std::string report = FormatCheckReport(request, response);

  EXPECT_THAT(report, HasSubstr("] Acute dystonia risk HIGH [1][2]\n"));
  EXPECT_THAT(report, HasSubstr("] Tardive dyskinesia risk MODERATE [1]\n"));
  EXPECT_THAT(report, HasSubstr("\nSources\n  [1] [label] HALOPERIDOL tablet "
                                "label. Warnings; Geriatric Use. " +
                                label_url +
                                "\n  [2] [literature] "
                                "Drug-induced dystonia\n"));
  EXPECT_EQ(report.find(label_url), report.rfind(label_url)) << report;
  EXPECT_THAT(report, HasSubstr("haloperidol -> haloperidol (First-generation "
                                "antipsychotics, high potency)"));
  EXPECT_THAT(report, Not(HasSubstr("antipsychotic-fga-high-potency")));
}

TEST(CheckCliTest, ConditionsAndWeightDescribeThePatient) {
  auto invocation = ParseCheckArguments(
      {"--age", "72", "--weight", "61.5", "--condition", "Parkinson's disease",
       "--condition_code", "sct|49049000", "--condition_code",
       "icd10cm|G20.A1", "--condition_code", "urn:local|X1", "--med",
       "metoclopramide"});

  ASSERT_TRUE(invocation.ok()) << invocation.status();
  const v1::Patient& patient = invocation->request.patient();
  EXPECT_DOUBLE_EQ(patient.weight_kg(), 61.5);
  ASSERT_EQ(patient.conditions_size(), 4);
  EXPECT_EQ(patient.conditions(0).text(), "Parkinson's disease");
  EXPECT_EQ(patient.conditions(1).system(), "http://snomed.info/sct");
  EXPECT_EQ(patient.conditions(1).code(), "49049000");
  EXPECT_EQ(patient.conditions(2).system(),
            "http://hl7.org/fhir/sid/icd-10-cm");
  EXPECT_EQ(patient.conditions(3).system(), "urn:local");
}

TEST(CheckCliTest, PhenotypesDescribeThePatient) {
  auto invocation = ParseCheckArguments(
      {"--age", "40", "--phenotype", "CYP2D6=poor", "--phenotype", "cyp2c19=um",
       "--med", "aripiprazole"});

  ASSERT_TRUE(invocation.ok()) << invocation.status();
  const v1::Patient& patient = invocation->request.patient();
  ASSERT_EQ(patient.pharmacogenomics_size(), 2);
  EXPECT_EQ(patient.pharmacogenomics(0).gene(), "CYP2D6");
  EXPECT_EQ(patient.pharmacogenomics(0).phenotype(),
            v1::PharmacogenomicResult::POOR);
  EXPECT_EQ(patient.pharmacogenomics(1).gene(), "CYP2C19");
  EXPECT_EQ(patient.pharmacogenomics(1).phenotype(),
            v1::PharmacogenomicResult::ULTRARAPID);
}

TEST(CheckCliTest, AMalformedPhenotypeNamesWhatIsWrong) {
  EXPECT_THAT(ParseCheckArguments({"--age", "40", "--phenotype", "CYP2D6"})
                  .status()
                  .message(),
              HasSubstr("--phenotype: 'CYP2D6' is not GENE=PHENOTYPE"));
  EXPECT_THAT(ParseCheckArguments({"--age", "40", "--phenotype", "CYP2D6=slow"})
                  .status()
                  .message(),
              HasSubstr("'slow' is not a phenotype: one of poor (pm)"));
  EXPECT_THAT(ParseCheckArguments({"--age", "40", "--phenotype", "2D6!=poor"})
                  .status()
                  .message(),
              HasSubstr("is not an HGNC gene symbol"));
}

TEST(CheckCliTest, ConditionCodeWithoutSystemIsInvalidArgument) {
  EXPECT_THAT(ParseCheckArguments(
                  {"--age", "40", "--condition_code", "49049000"}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseCheckArguments({"--age", "40", "--weight", "heavy"}),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(CheckCliTest, ReportPutsContraindicationsFirstAndAccountsForConditions) {
  v1::CheckRequest request;
  request.add_medications()->set_name("metoclopramide");
  request.mutable_patient()->add_conditions()->set_text("Parkinson's disease");
  request.mutable_patient()->add_conditions()->set_text("gout");
  v1::CheckResponse response;
  response.set_contraindicated(true);
  v1::Finding* finding = response.add_findings();
  finding->set_contraindicated(true);
  finding->set_level(v1::RISK_LEVEL_HIGH);
  finding->set_summary(
      "Contraindicated: metoclopramide in Parkinson's disease (EU label)");
  finding->set_label_section("EU label, 4.3 Contraindications");
  v1::AssessedCondition* assessed = response.add_assessed_conditions();
  assessed->set_condition_index(0);
  assessed->set_name("Parkinson's disease");
  assessed->set_matched("Parkinson's disease");
  assessed->set_affects_judgement(true);
  v1::UnrecognizedCondition* unrecognized =
      response.add_unrecognized_conditions();
  unrecognized->set_condition_index(1);
  unrecognized->set_text("gout");

  const std::string report = FormatCheckReport(request, response);

  EXPECT_EQ(report.find("CONTRAINDICATED: 1 labelled contraindication"), 0u)
      << report;
  EXPECT_THAT(report, HasSubstr("[CONTRAINDICATED] Contraindicated: "
                                "metoclopramide in Parkinson's disease"));
  EXPECT_THAT(report, HasSubstr("label: EU label, 4.3 Contraindications"));
  EXPECT_THAT(report, HasSubstr("2. gout -> NOT RECOGNIZED"));
}

// The dystonia-check binary against a real server.
class CheckBinaryTest : public testing::ServerTest {
 protected:
  // Runs dystonia-check with `arguments`; returns stdout, sets `exit_code`.
  static std::string Run(const std::string& arguments, int* exit_code) {
    return testing::RunCommand(
        absl::StrCat(DYSTONIA_BINARY_DIR,
                     "/clients/check/dystonia-check --server ", Address(), " ",
                     arguments),
        exit_code);
  }
};

TEST_F(CheckBinaryTest, YoungManGivenIntramuscularHaloperidolIsAcuteHigh) {
  int exit_code = -1;

  const std::string output =
      Run("--age 19 --sex male --med haloperidol --route intramuscular "
          "--med metformin",
          &exit_code);

  EXPECT_EQ(exit_code, 0) << output;
  EXPECT_THAT(output, HasSubstr("Acute dystonia:      HIGH"));
  EXPECT_THAT(output, HasSubstr("[label]"));
  EXPECT_THAT(output, HasSubstr("[literature]"));
  EXPECT_THAT(output, HasSubstr("metformin -> metformin"));
  // Class names, not ids (issue 21); the ids stay in --json.
  EXPECT_THAT(output, HasSubstr("haloperidol -> haloperidol (First-generation "
                                "antipsychotics"));
  EXPECT_THAT(output, HasSubstr("\nSources\n  [1] ["));
}

TEST_F(CheckBinaryTest, OlderWomanOnHaloperidolForTwoYearsIsTardiveHigh) {
  int exit_code = -1;

  const std::string output =
      Run("--age 75 --sex female --med haloperidol --status active --days 730",
          &exit_code);

  EXPECT_EQ(exit_code, 0) << output;
  EXPECT_THAT(output, HasSubstr("Tardive dyskinesia:  HIGH"));
}

TEST_F(CheckBinaryTest, MetoclopramideInParkinsonsDiseaseIsContraindicated) {
  int exit_code = -1;

  const std::string output = Run(
      "--age 72 --sex male --condition_code 'sct|49049000' "
      "--med metoclopramide",
      &exit_code);

  EXPECT_EQ(exit_code, 0) << output;
  EXPECT_EQ(output.find("CONTRAINDICATED:"), 0u) << output;
  EXPECT_THAT(output, HasSubstr("metoclopramide in Parkinson's disease"));
  EXPECT_THAT(output, HasSubstr("-> Parkinson's disease"));
}

// Thioridazine in a CYP2D6 poor metabolizer: the label's contraindication
// comes first, and the result is accounted for.
TEST_F(CheckBinaryTest, ThioridazineInAPoorMetabolizerIsContraindicated) {
  int exit_code = -1;

  const std::string output =
      Run("--age 45 --sex female --phenotype CYP2D6=poor --phenotype TPMT=poor "
          "--med thioridazine",
          &exit_code);

  EXPECT_EQ(exit_code, 0) << output;
  EXPECT_EQ(output.find("CONTRAINDICATED:"), 0u) << output;
  EXPECT_THAT(output, HasSubstr("thioridazine in a CYP2D6 poor metabolizer"));
  EXPECT_THAT(output, HasSubstr("1. CYP2D6 poor metabolizer: changes the "
                                "judgement of thioridazine"));
  EXPECT_THAT(output, HasSubstr("2. TPMT -> NOT RECOGNIZED"));
}

// An unknown drug must not look like a safe one (issue 21): the report
// says INCOMPLETE before any level, with the suggestion, and the exit status
// is its own; so does --json.
TEST_F(CheckBinaryTest, AnUnrecognizedMedicationMakesTheAnswerIncomplete) {
  int exit_code = -1;
  const std::string output =
      Run("--age 30 --sex male --med haloperidal", &exit_code);
  int json_exit_code = -1;
  const std::string json =
      Run("--json --age 30 --sex male --med haloperidal", &json_exit_code);

  EXPECT_EQ(exit_code, kExitIncomplete) << output;
  EXPECT_EQ(output.find("INCOMPLETE: 1 medication not recognized: "
                        "haloperidal (did you mean haloperidol?)"),
            0u)
      << output;
  EXPECT_LT(output.find("INCOMPLETE"), output.find("Acute dystonia:"));
  EXPECT_THAT(output, HasSubstr("Acute dystonia:      NONE - "));
  EXPECT_THAT(output, HasSubstr("not recognized and not judged"));
  EXPECT_EQ(json_exit_code, kExitIncomplete) << json;
  EXPECT_THAT(json, Not(HasSubstr("\"complete\": true")));
}

TEST_F(CheckBinaryTest, EveryMedicationRecognizedIsComplete) {
  int exit_code = -1;
  const std::string json =
      Run("--json --age 30 --sex male --med haloperidol", &exit_code);
  EXPECT_EQ(exit_code, 0) << json;
  EXPECT_THAT(json, HasSubstr("\"complete\": true"));
}

// Every level shown has its reason beside it, also one no finding raised.
TEST_F(CheckBinaryTest, EachLevelShowsItsReason) {
  int exit_code = -1;
  const std::string output =
      Run("--age 75 --sex female --med haloperidol --status active --days 730 "
          "--med metformin",
          &exit_code);

  EXPECT_EQ(exit_code, 0) << output;
  EXPECT_THAT(output, HasSubstr("Acute dystonia:      LOW - "));
  EXPECT_THAT(output, HasSubstr("outside the acute window"));
  EXPECT_THAT(output, HasSubstr("Tardive dyskinesia:  HIGH - "));
  // A drug of no class shows no empty class list.
  EXPECT_THAT(output, HasSubstr("metformin -> metformin\n"));
}

TEST_F(CheckBinaryTest, JsonPrintsTheProtobufJsonMapping) {
  int exit_code = -1;

  const std::string output =
      Run("--json --age 30 --sex female --med risperidone", &exit_code);

  EXPECT_EQ(exit_code, 0) << output;
  EXPECT_THAT(output, HasSubstr("\"acuteDystonia\""));
  EXPECT_THAT(output, HasSubstr("\"knowledgeBaseVersion\""));
}

TEST_F(CheckBinaryTest, ServerRejectionIsReportedWithNonZeroExit) {
  int exit_code = -1;

  const std::string output = Run("--age 300 --med haloperidol", &exit_code);

  EXPECT_EQ(exit_code, 1);
  EXPECT_THAT(output, HasSubstr("patient.age_years"));
}

TEST_F(CheckBinaryTest, UnreachableServerSaysSoWithinTheTimeout) {
  int exit_code = -1;

  // The later --server wins; nothing listens on port 1.
  const std::string output =
      Run("--server 127.0.0.1:1 --timeout 0.5 --age 30 --med haloperidol",
          &exit_code);

  EXPECT_EQ(exit_code, 1);
  EXPECT_THAT(output, HasSubstr("could not connect within 0.5 s"));
}

TEST_F(CheckBinaryTest, BadUsageExitsTwo) {
  int exit_code = -1;

  Run("--route oral", &exit_code);

  EXPECT_EQ(exit_code, 2);
}

}  // namespace
}  // namespace dystonia
