#include "clients/audit/audit_summary.h"

#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace dystonia::audit {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;

template <typename Message>
Message Parse(absl::string_view text) {
  Message message;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(std::string(text),
                                                            &message))
      << text;
  return message;
}

v1::CheckRequest Request(absl::string_view text) {
  return Parse<v1::CheckRequest>(text);
}

v1::CheckResponse Response(absl::string_view text) {
  return Parse<v1::CheckResponse>(text);
}

// A request for one patient of `age` (negative: not given) and one drug.
v1::CheckRequest Patient(double age, v1::Sex sex, absl::string_view id = "rx") {
  v1::CheckRequest request;
  request.set_request_id(std::string(id));
  if (age >= 0) request.mutable_patient()->set_age_years(age);
  request.mutable_patient()->set_sex(sex);
  request.add_medications()->set_name("haloperidol");
  return request;
}

// An answer with the given summary levels and `findings` HIGH acute findings
// on haloperidol.
v1::CheckResponse Levels(v1::RiskLevel acute, v1::RiskLevel tardive,
                         int findings = 0) {
  v1::CheckResponse response;
  response.mutable_acute_dystonia()->set_level(acute);
  response.mutable_tardive_dyskinesia()->set_level(tardive);
  for (int i = 0; i < findings; ++i) {
    v1::Finding* finding = response.add_findings();
    finding->set_kind(v1::Finding::ACUTE_DYSTONIA);
    finding->set_level(acute);
    finding->add_drug_ids("haloperidol");
  }
  return response;
}

constexpr absl::string_view kHaloperidolRequest = R"pb(
  request_id: "rx-1"
  patient { age_years: 19 sex: SEX_MALE }
  medications { name: "Haldol" route: ROUTE_INTRAMUSCULAR }
  medications { name: "metformin" }
  medications { name: "haloperidal" }
)pb";

constexpr absl::string_view kHaloperidolResponse = R"pb(
  request_id: "rx-1"
  knowledge_base_version: "2026.11.27+1"
  acute_dystonia { level: RISK_LEVEL_HIGH }
  tardive_dyskinesia { level: RISK_LEVEL_LOW }
  findings {
    id: "acute-dystonia.haloperidol"
    kind: ACUTE_DYSTONIA
    level: RISK_LEVEL_HIGH
    medication_indexes: 0
    drug_ids: "haloperidol"
    summary: "High risk of acute dystonia"
  }
  findings {
    id: "acute-dystonia.haloperidol.repeat"
    kind: ACUTE_DYSTONIA
    level: RISK_LEVEL_MODERATE
    drug_ids: "haloperidol"
  }
  findings {
    id: "tardive.haloperidol"
    kind: TARDIVE_DYSKINESIA
    level: RISK_LEVEL_LOW
    drug_ids: "haloperidol"
  }
  assessed {
    medication_index: 0
    drug_id: "haloperidol"
    drug_name: "Haloperidol"
    matched_name: "Haldol"
    classes: "first-generation-antipsychotic"
    classes: "butyrophenone"
  }
  assessed {
    medication_index: 1
    drug_id: "metformin"
    drug_name: "Metformin"
    classes: "biguanide"
  }
  unrecognized {
    medication_index: 2
    name: "haloperidal"
    suggestions: "haloperidol"
  }
)pb";

TEST(AuditSummaryBuilderTest, CountsPrescriptionsAndMedications) {
  AuditSummaryBuilder builder;

  builder.AddAnswer(Request(kHaloperidolRequest),
                    Response(kHaloperidolResponse), 3);
  builder.AddAnswer(Request(kHaloperidolRequest),
                    Response(kHaloperidolResponse), 3);
  AuditSummary summary = builder.Finish(AuditRunInfo());

  EXPECT_EQ(summary.prescriptions, 2);
  EXPECT_EQ(summary.medications_assessed, 4);
  EXPECT_EQ(summary.medications_unrecognized, 2);
  EXPECT_EQ(summary.knowledge_base_version, "2026.11.27+1");
}

TEST(AuditSummaryBuilderTest, CountsPrescriptionsBySummaryLevel) {
  AuditSummaryBuilder builder;

  builder.AddAnswer(Patient(40, v1::SEX_MALE),
                    Levels(v1::RISK_LEVEL_HIGH, v1::RISK_LEVEL_LOW), 1);
  builder.AddAnswer(Patient(40, v1::SEX_MALE),
                    Levels(v1::RISK_LEVEL_HIGH, v1::RISK_LEVEL_HIGH), 1);
  builder.AddAnswer(Patient(40, v1::SEX_MALE),
                    Levels(v1::RISK_LEVEL_NONE, v1::RISK_LEVEL_MODERATE), 1);
  AuditSummary summary = builder.Finish(AuditRunInfo());

  EXPECT_THAT(
      summary.by_acute_level,
      ElementsAre(Pair(v1::RISK_LEVEL_NONE, 1), Pair(v1::RISK_LEVEL_HIGH, 2)));
  EXPECT_THAT(
      summary.by_tardive_level,
      ElementsAre(Pair(v1::RISK_LEVEL_LOW, 1), Pair(v1::RISK_LEVEL_MODERATE, 1),
                  Pair(v1::RISK_LEVEL_HIGH, 1)));
}

TEST(AuditSummaryBuilderTest, FlaggedDrugCountsOncePerPrescription) {
  AuditSummaryBuilder builder;

  builder.AddAnswer(Request(kHaloperidolRequest),
                    Response(kHaloperidolResponse), 3);
  builder.AddAnswer(Request(kHaloperidolRequest),
                    Response(kHaloperidolResponse), 3);
  AuditSummary summary = builder.Finish(AuditRunInfo());

  // Two flagged findings per answer name haloperidol; metformin has none.
  EXPECT_THAT(summary.flagged_drugs, ElementsAre(Pair("Haloperidol", 2)));
  EXPECT_THAT(summary.flagged_classes,
              ElementsAre(Pair("butyrophenone", 2),
                          Pair("first-generation-antipsychotic", 2)));
}

TEST(AuditSummaryBuilderTest, LowAndNoneFindingsAreNotFlags) {
  AuditSummaryBuilder builder;

  builder.AddAnswer(Patient(40, v1::SEX_MALE),
                    Levels(v1::RISK_LEVEL_LOW, v1::RISK_LEVEL_NONE, 2), 1);
  AuditSummary summary = builder.Finish(AuditRunInfo());

  EXPECT_TRUE(summary.flagged_drugs.empty());
  EXPECT_TRUE(summary.flagged_classes.empty());
  EXPECT_TRUE(summary.top_flagged.empty());
}

TEST(AuditSummaryBuilderTest,
     CombinationIngredientIsNamedByIdWithProductClasses) {
  AuditSummaryBuilder builder;
  v1::CheckResponse response = Response(R"pb(
    acute_dystonia { level: RISK_LEVEL_NONE }
    tardive_dyskinesia { level: RISK_LEVEL_MODERATE }
    findings {
      kind: TARDIVE_DYSKINESIA
      level: RISK_LEVEL_MODERATE
      drug_ids: "perphenazine"
    }
    assessed {
      drug_id: "perphenazine-amitriptyline"
      drug_name: "Perphenazine / amitriptyline"
      ingredient_ids: "perphenazine"
      ingredient_ids: "amitriptyline"
      classes: "phenothiazine"
    }
  )pb");

  builder.AddAnswer(Patient(70, v1::SEX_FEMALE), response, 1);
  AuditSummary summary = builder.Finish(AuditRunInfo());

  EXPECT_THAT(summary.flagged_drugs, ElementsAre(Pair("perphenazine", 1)));
  EXPECT_THAT(summary.flagged_classes, ElementsAre(Pair("phenothiazine", 1)));
}

TEST(AuditSummaryBuilderTest, HighFlagsByAgeBandIncludeBoundaries) {
  const std::vector<std::pair<double, std::string>> cases = {
      {0, "0-17"},    {17, "0-17"},    {17.9, "0-17"}, {18, "18-34"},
      {34, "18-34"},  {35, "35-54"},   {54, "35-54"},  {55, "55-64"},
      {64, "55-64"},  {64.5, "55-64"}, {65, "65+"},    {125, "65+"},
      {-1, "unknown"}};
  for (const auto& [age, band] : cases) {
    AuditSummaryBuilder builder;

    builder.AddAnswer(Patient(age, v1::SEX_FEMALE),
                      Levels(v1::RISK_LEVEL_HIGH, v1::RISK_LEVEL_LOW), 1);
    AuditSummary summary = builder.Finish(AuditRunInfo());

    EXPECT_THAT(summary.high_by_age_and_sex,
                ElementsAre(Pair(Pair(band, "female"), 1)))
        << "age " << age;
  }
}

TEST(AuditSummaryBuilderTest, HighFlagsBySexGroupOtherAndUnknownTogether) {
  AuditSummaryBuilder builder;

  for (v1::Sex sex : {v1::SEX_MALE, v1::SEX_FEMALE, v1::SEX_OTHER,
                      v1::SEX_UNKNOWN, v1::SEX_UNSPECIFIED}) {
    builder.AddAnswer(Patient(40, sex),
                      Levels(v1::RISK_LEVEL_LOW, v1::RISK_LEVEL_HIGH), 1);
  }
  AuditSummary summary = builder.Finish(AuditRunInfo());

  EXPECT_THAT(summary.high_by_age_and_sex,
              ElementsAre(Pair(Pair("35-54", "female"), 1),
                          Pair(Pair("35-54", "male"), 1),
                          Pair(Pair("35-54", "other/unknown"), 3)));
}

TEST(AuditSummaryBuilderTest, HighFlagsSkipModerate) {
  AuditSummaryBuilder builder;

  builder.AddAnswer(Patient(40, v1::SEX_MALE),
                    Levels(v1::RISK_LEVEL_MODERATE, v1::RISK_LEVEL_MODERATE),
                    1);
  AuditSummary summary = builder.Finish(AuditRunInfo());

  EXPECT_TRUE(summary.high_by_age_and_sex.empty());
}

std::vector<std::string> TopIds(const AuditSummary& summary) {
  std::vector<std::string> ids;
  for (const FlaggedPrescription& flagged : summary.top_flagged) {
    ids.push_back(flagged.prescription_id);
  }
  return ids;
}

TEST(AuditSummaryBuilderTest, TopFlaggedByLevelThenFindingsThenInputOrder) {
  AuditSummaryBuilder builder;

  builder.AddAnswer(Patient(40, v1::SEX_MALE, "moderate-1"),
                    Levels(v1::RISK_LEVEL_MODERATE, v1::RISK_LEVEL_LOW, 1), 1);
  builder.AddAnswer(Patient(40, v1::SEX_MALE, "high-1"),
                    Levels(v1::RISK_LEVEL_HIGH, v1::RISK_LEVEL_LOW, 1), 1);
  builder.AddAnswer(Patient(40, v1::SEX_MALE, "none"),
                    Levels(v1::RISK_LEVEL_NONE, v1::RISK_LEVEL_LOW), 1);
  builder.AddAnswer(Patient(40, v1::SEX_MALE, "high-3"),
                    Levels(v1::RISK_LEVEL_HIGH, v1::RISK_LEVEL_LOW, 3), 1);
  builder.AddAnswer(Patient(40, v1::SEX_MALE, "high-1-later"),
                    Levels(v1::RISK_LEVEL_HIGH, v1::RISK_LEVEL_LOW, 1), 1);
  builder.AddAnswer(Patient(40, v1::SEX_MALE, "tardive-high"),
                    Levels(v1::RISK_LEVEL_LOW, v1::RISK_LEVEL_HIGH), 1);
  AuditSummary summary = builder.Finish(AuditRunInfo());

  EXPECT_THAT(TopIds(summary), ElementsAre("high-3", "high-1", "high-1-later",
                                           "tardive-high", "moderate-1"));
}

TEST(AuditSummaryBuilderTest, TopFlaggedKeepsOnlyTheMostSeriousUpToTheLimit) {
  AuditSummaryBuilder builder(/*top_flagged_limit=*/2);

  builder.AddAnswer(Patient(40, v1::SEX_MALE, "moderate"),
                    Levels(v1::RISK_LEVEL_MODERATE, v1::RISK_LEVEL_LOW, 1), 1);
  builder.AddAnswer(Patient(40, v1::SEX_MALE, "high-a"),
                    Levels(v1::RISK_LEVEL_HIGH, v1::RISK_LEVEL_LOW, 1), 1);
  builder.AddAnswer(Patient(40, v1::SEX_MALE, "high-b"),
                    Levels(v1::RISK_LEVEL_HIGH, v1::RISK_LEVEL_LOW, 1), 1);
  builder.AddAnswer(Patient(40, v1::SEX_MALE, "high-c"),
                    Levels(v1::RISK_LEVEL_HIGH, v1::RISK_LEVEL_LOW, 1), 1);
  builder.AddAnswer(Patient(40, v1::SEX_MALE, "moderate-later"),
                    Levels(v1::RISK_LEVEL_MODERATE, v1::RISK_LEVEL_LOW, 1), 1);
  AuditSummary summary = builder.Finish(AuditRunInfo());

  EXPECT_THAT(TopIds(summary), ElementsAre("high-a", "high-b"));
}

TEST(AuditSummaryBuilderTest, ZeroLimitKeepsNoPrescriptions) {
  AuditSummaryBuilder builder(/*top_flagged_limit=*/0);

  builder.AddAnswer(Patient(40, v1::SEX_MALE),
                    Levels(v1::RISK_LEVEL_HIGH, v1::RISK_LEVEL_LOW, 1), 1);
  AuditSummary summary = builder.Finish(AuditRunInfo());

  EXPECT_TRUE(summary.top_flagged.empty());
  EXPECT_EQ(summary.prescriptions, 1);
}

TEST(AuditSummaryBuilderTest, TopFlaggedKeepsThePatientAndNamesAsWritten) {
  AuditSummaryBuilder builder;

  builder.AddAnswer(Request(kHaloperidolRequest),
                    Response(kHaloperidolResponse), 3);
  AuditSummary summary = builder.Finish(AuditRunInfo());

  ASSERT_EQ(summary.top_flagged.size(), 1u);
  const FlaggedPrescription& flagged = summary.top_flagged[0];
  EXPECT_EQ(flagged.prescription_id, "rx-1");
  EXPECT_EQ(flagged.age_years, 19);
  EXPECT_EQ(flagged.sex, v1::SEX_MALE);
  EXPECT_THAT(flagged.medications,
              ElementsAre("Haldol", "metformin", "haloperidal"));
  EXPECT_EQ(flagged.response.findings_size(), 3);
}

TEST(AuditSummaryBuilderTest, UnrecognizedRankedByFrequencyThenName) {
  AuditSummaryBuilder builder;
  auto answer = [&](std::vector<std::string> names) {
    v1::CheckResponse response =
        Levels(v1::RISK_LEVEL_NONE, v1::RISK_LEVEL_NONE);
    for (const std::string& name : names) {
      response.add_unrecognized()->set_name(name);
    }
    builder.AddAnswer(Patient(40, v1::SEX_MALE), response, 1);
  };

  answer({"zyprexxa", "haloperidal"});
  answer({"haloperidal", "Haloperidal"});
  answer({"abilfy", "zyprexxa"});
  answer({"haloperidal"});
  AuditSummary summary = builder.Finish(AuditRunInfo());

  // Counted by the text written: "Haloperidal" is its own entry.
  EXPECT_THAT(summary.unrecognized_names,
              ElementsAre(Pair("haloperidal", 3), Pair("zyprexxa", 2),
                          Pair("Haloperidal", 1), Pair("abilfy", 1)));
}

TEST(AuditSummaryBuilderTest, ReconcilesRowsReadAssessedAndRejected) {
  AuditSummaryBuilder builder;

  builder.AddRowsRead(10);
  builder.AddAnswer(Request(kHaloperidolRequest),
                    Response(kHaloperidolResponse), 3);
  builder.AddAnswer(Patient(40, v1::SEX_MALE),
                    Levels(v1::RISK_LEVEL_NONE, v1::RISK_LEVEL_NONE), 4);
  builder.AddRejectedRows(2);
  builder.AddRejectedRows(1);
  AuditSummary summary = builder.Finish(AuditRunInfo());

  EXPECT_EQ(summary.rows_read, 10);
  EXPECT_EQ(summary.rows_assessed, 7);
  EXPECT_EQ(summary.rows_rejected, 3);
  EXPECT_EQ(summary.rows_read, summary.rows_assessed + summary.rows_rejected);
}

TEST(AuditSummaryBuilderTest, AnswerWithErrorCountsAsRejectedRows) {
  AuditSummaryBuilder builder;
  v1::CheckResponse rejected = Response(R"pb(
    request_id: "bad"
    error { code: 3 message: "patient.age_years: is over 125" }
  )pb");

  builder.AddAnswer(Patient(130, v1::SEX_MALE), rejected, 2);
  AuditSummary summary = builder.Finish(AuditRunInfo());

  EXPECT_EQ(summary.rows_rejected, 2);
  EXPECT_EQ(summary.rows_assessed, 0);
  EXPECT_EQ(summary.prescriptions, 0);
  EXPECT_TRUE(summary.by_acute_level.empty());
}

TEST(AuditSummaryBuilderTest, FinishCopiesTheRunInfo) {
  AuditSummaryBuilder builder;
  AuditRunInfo run;
  run.input_name = "ward-7.csv";
  run.complete = false;
  run.incomplete_reason = "server lost";

  AuditSummary summary = builder.Finish(run);

  EXPECT_EQ(summary.run.input_name, "ward-7.csv");
  EXPECT_FALSE(summary.run.complete);
  EXPECT_EQ(summary.run.incomplete_reason, "server lost");
}

// ---------------------------------------------------------------------------

AuditRunInfo SampleRun() {
  AuditRunInfo run;
  run.input_name = "ward-7.csv";
  run.input_sha256 =
      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  run.started_at = "2026-11-27T03:45:00Z";
  run.finished_at = "2026-11-27T03:46:10Z";
  run.server = "127.0.0.1:50051";
  return run;
}

AuditSummary SampleSummary(AuditRunInfo run = SampleRun()) {
  AuditSummaryBuilder builder;
  builder.AddRowsRead(5);
  builder.AddAnswer(Request(kHaloperidolRequest),
                    Response(kHaloperidolResponse), 3);
  builder.AddAnswer(Patient(70, v1::SEX_FEMALE, "rx-2"),
                    Levels(v1::RISK_LEVEL_NONE, v1::RISK_LEVEL_HIGH, 0), 1);
  builder.AddRejectedRows(1);
  return builder.Finish(run);
}

TEST(RenderReportHtmlTest, HasEverySection) {
  std::string html = RenderReportHtml(SampleSummary());

  for (absl::string_view id :
       {"run-info", "totals", "acute-levels", "tardive-levels", "flagged-drugs",
        "flagged-classes", "high-by-age-sex", "top-flagged", "unrecognized"}) {
    EXPECT_THAT(html, HasSubstr(absl::StrCat("<section id=\"", id, "\">")))
        << id;
  }
  EXPECT_THAT(html, HasSubstr("<!DOCTYPE html>"));
  EXPECT_THAT(html, HasSubstr("<meta charset=\"utf-8\">"));
}

TEST(RenderReportHtmlTest, ShowsRunInfo) {
  std::string html = RenderReportHtml(SampleSummary());

  EXPECT_THAT(html, HasSubstr("<td id=\"input-name\">ward-7.csv</td>"));
  EXPECT_THAT(html,
              HasSubstr("<code id=\"input-sha256\">9f86d081884c7d659a2feaa0c55"
                        "ad015a3bf4f1b2b0b822cd15d6c15b0f00a08</code>"));
  EXPECT_THAT(html, HasSubstr("<td id=\"kb-version\">2026.11.27+1</td>"));
  EXPECT_THAT(html, HasSubstr("2026-11-27T03:45:00Z"));
  EXPECT_THAT(html, HasSubstr("2026-11-27T03:46:10Z"));
  EXPECT_THAT(html, HasSubstr("127.0.0.1:50051"));
}

TEST(RenderReportHtmlTest, ShowsTotalsAndBalancedReconciliation) {
  std::string html = RenderReportHtml(SampleSummary());

  EXPECT_THAT(html, HasSubstr("<span id=\"rows-read\">5</span>"));
  EXPECT_THAT(html, HasSubstr("<span id=\"rows-assessed\">4</span>"));
  EXPECT_THAT(html, HasSubstr("<span id=\"rows-rejected\">1</span>"));
  EXPECT_THAT(html, HasSubstr("<span id=\"prescriptions\">2</span>"));
  EXPECT_THAT(html, HasSubstr("<span id=\"medications-assessed\">2</span>"));
  EXPECT_THAT(html,
              HasSubstr("<span id=\"medications-unrecognized\">1</span>"));
  EXPECT_THAT(html, HasSubstr("class=\"reconciliation ok\""));
  EXPECT_THAT(html, HasSubstr("5 rows read = 4 assessed + 1 rejected"));
}

TEST(RenderReportHtmlTest, FlagsAReconciliationMismatch) {
  AuditSummary summary = SampleSummary();
  summary.rows_read = 9;

  std::string html = RenderReportHtml(summary);

  EXPECT_THAT(html, HasSubstr("class=\"reconciliation mismatch\""));
  EXPECT_THAT(html, HasSubstr("MISMATCH"));
}

TEST(RenderReportHtmlTest, ShowsLevelCountsInTables) {
  std::string html = RenderReportHtml(SampleSummary());

  EXPECT_THAT(html, HasSubstr("id=\"acute-high\">1<"));
  EXPECT_THAT(html, HasSubstr("id=\"acute-none\">1<"));
  EXPECT_THAT(html, HasSubstr("id=\"acute-moderate\">0<"));
  EXPECT_THAT(html, HasSubstr("id=\"tardive-high\">1<"));
  EXPECT_THAT(html, HasSubstr("id=\"tardive-low\">1<"));
  // Nothing came back without a level, so there is no row for it.
  EXPECT_THAT(html, Not(HasSubstr("id=\"acute-unspecified\"")));
}

TEST(RenderReportHtmlTest, DrawsBarChartsAsInlineSvg) {
  std::string html = RenderReportHtml(SampleSummary());

  // Acute and tardive (four levels each) and the drugs chart (one drug).
  int svgs = 0;
  int bars = 0;
  for (size_t at = html.find("<svg"); at != std::string::npos;
       at = html.find("<svg", at + 1)) {
    ++svgs;
  }
  for (size_t at = html.find("<rect"); at != std::string::npos;
       at = html.find("<rect", at + 1)) {
    ++bars;
  }
  EXPECT_EQ(svgs, 3);
  EXPECT_EQ(bars, 9);
}

TEST(RenderReportHtmlTest, ShowsHighFlagsByAgeAndSex) {
  std::string html = RenderReportHtml(SampleSummary());

  EXPECT_THAT(html, HasSubstr("id=\"high-18-34-male\">1<"));
  EXPECT_THAT(html, HasSubstr("id=\"high-65plus-female\">1<"));
  EXPECT_THAT(html, HasSubstr("id=\"high-unknown-other\">0<"));
  EXPECT_THAT(html, HasSubstr("id=\"high-total\">2<"));
}

TEST(RenderReportHtmlTest, ShowsEachTopFindingWithItsCitations) {
  v1::CheckResponse response = Response(R"pb(
    acute_dystonia { level: RISK_LEVEL_HIGH }
    tardive_dyskinesia { level: RISK_LEVEL_LOW }
    findings {
      kind: ACUTE_DYSTONIA
      level: RISK_LEVEL_HIGH
      drug_ids: "haloperidol"
      summary: "Haloperidol IM in a young man: high risk of acute dystonia"
      factors: "Intramuscular route"
      recommendations: "Consider prophylactic benztropine"
      citations {
        title: "HALDOL (haloperidol) injection label"
        section: "Warnings and Precautions"
        publisher: "Janssen"
        year: 2023
        url: "https://dailymed.nlm.nih.gov/dailymed/example"
      }
      citations { title: "Bad link" url: "javascript:alert(1)" }
    }
  )pb");
  AuditSummaryBuilder builder;
  builder.AddAnswer(Patient(19, v1::SEX_MALE, "rx-42"), response, 1);

  std::string html = RenderReportHtml(builder.Finish(SampleRun()));

  EXPECT_THAT(html, HasSubstr("<span class=\"prescription-id\">rx-42</span>"));
  EXPECT_THAT(html, HasSubstr("Acute dystonia"));
  EXPECT_THAT(html, HasSubstr("Haloperidol IM in a young man"));
  EXPECT_THAT(html, HasSubstr("<li>Intramuscular route</li>"));
  EXPECT_THAT(html, HasSubstr("<li>Consider prophylactic benztropine</li>"));
  EXPECT_THAT(html,
              HasSubstr("<cite>HALDOL (haloperidol) injection label</cite>, "
                        "Warnings and Precautions. Janssen, 2023."));
  EXPECT_THAT(html, HasSubstr("<a href=\"https://dailymed.nlm.nih.gov/"
                              "dailymed/example\""));
  EXPECT_THAT(html, Not(HasSubstr("href=\"javascript:")));
}

// Issue 21: each source once per prescription, after its findings, which
// carry its number; one label cited for two of its sections is one source.
TEST(RenderReportHtmlTest, ListsEachSourceOncePerPrescriptionByNumber) {
  v1::CheckResponse response = Response(R"pb(
    acute_dystonia { level: RISK_LEVEL_HIGH }
    tardive_dyskinesia { level: RISK_LEVEL_MODERATE }
    findings {
      kind: ACUTE_DYSTONIA
      level: RISK_LEVEL_HIGH
      drug_ids: "haloperidol"
      summary: "Acute finding"
      citation_ids: "label-haloperidol-us-warnings"
      citation_ids: "paper-swett-1975"
    }
    findings {
      kind: TARDIVE_DYSKINESIA
      level: RISK_LEVEL_MODERATE
      drug_ids: "haloperidol"
      summary: "Tardive finding"
      citation_ids: "label-haloperidol-us-geriatric"
      citation_ids: "label-haloperidol-us-warnings"
    }
    citations {
      id: "label-haloperidol-us-warnings"
      title: "HALOPERIDOL tablet label"
      section: "Warnings"
      url: "https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid=82305b49-9fdf-425b-98d7-39c2ac156918"
    }
    citations {
      id: "paper-swett-1975"
      title: "Drug-induced dystonia"
      url: "https://doi.org/10.1176/ajp.132.5.532"
    }
    citations {
      id: "label-haloperidol-us-geriatric"
      title: "HALOPERIDOL tablet label"
      section: "Geriatric Use"
      url: "https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid=82305b49-9fdf-425b-98d7-39c2ac156918"
    }
  )pb");
  AuditSummaryBuilder builder;
  builder.AddAnswer(Patient(19, v1::SEX_MALE, "rx-7"), response, 1);

  const std::string html = RenderReportHtml(builder.Finish(SampleRun()));

  auto count = [&html](const std::string& needle) {
    int n = 0;
    for (size_t at = html.find(needle); at != std::string::npos;
         at = html.find(needle, at + 1)) {
      ++n;
    }
    return n;
  };
  EXPECT_EQ(count("<cite>HALOPERIDOL tablet label</cite>"), 1) << html;
  EXPECT_EQ(count("<cite>Drug-induced dystonia</cite>"), 1);
  EXPECT_THAT(html, HasSubstr("<cite>HALOPERIDOL tablet label</cite>, "
                              "Warnings; Geriatric Use."));
  EXPECT_THAT(html, HasSubstr("Acute finding <span class=\"refs\">"
                              "<a href=\"#p1-s1\">[1]</a>"
                              "<a href=\"#p1-s2\">[2]</a></span>"));
  EXPECT_THAT(html, HasSubstr("Tardive finding <span class=\"refs\">"
                              "<a href=\"#p1-s1\">[1]</a></span>"));
  EXPECT_THAT(html, HasSubstr("<li class=\"citation\" id=\"p1-s2\">"));
  // A long URL wraps instead of widening the page.
  EXPECT_THAT(html, HasSubstr("overflow-wrap: anywhere"));
}

// Issue 21: a prescription naming an unrecognized medication is counted
// apart (its levels are incomplete) and the names carry the suggestions.
TEST(RenderReportHtmlTest, UnrecognizedNamesCarryTheirSuggestions) {
  AuditSummaryBuilder builder;
  builder.AddAnswer(Request(kHaloperidolRequest),
                    Response(kHaloperidolResponse), 3);
  builder.AddAnswer(Patient(40, v1::SEX_MALE),
                    Levels(v1::RISK_LEVEL_NONE, v1::RISK_LEVEL_NONE), 1);

  const AuditSummary summary = builder.Finish(SampleRun());
  const std::string html = RenderReportHtml(summary);

  EXPECT_EQ(summary.prescriptions_incomplete, 1);
  EXPECT_THAT(summary.unrecognized_suggestions,
              ElementsAre(Pair("haloperidal", ElementsAre("haloperidol"))));
  EXPECT_THAT(html, HasSubstr("id=\"prescriptions-incomplete\">1<"));
  EXPECT_THAT(html, HasSubstr("id=\"levels-incomplete\""));
  EXPECT_THAT(html, HasSubstr("<th>Did you mean</th>"));
  EXPECT_THAT(html, HasSubstr("<td class=\"unrecognized-name\">haloperidal"
                              "</td><td class=\"suggestions\">haloperidol"
                              "</td>"));
}

TEST(AuditSummaryBuilderTest, FlaggedClassesAreCountedByName) {
  v1::CheckResponse response = Response(R"pb(
    acute_dystonia { level: RISK_LEVEL_HIGH }
    tardive_dyskinesia { level: RISK_LEVEL_NONE }
    findings {
      kind: ACUTE_DYSTONIA
      level: RISK_LEVEL_HIGH
      drug_ids: "haloperidol"
    }
    assessed {
      drug_id: "haloperidol"
      drug_name: "haloperidol"
      classes: "antipsychotic-fga-high-potency"
      class_names: "First-generation antipsychotics, high potency"
    }
  )pb");
  AuditSummaryBuilder builder;
  builder.AddAnswer(Patient(19, v1::SEX_MALE), response, 1);

  const AuditSummary summary = builder.Finish(AuditRunInfo());

  EXPECT_THAT(
      summary.flagged_classes,
      ElementsAre(Pair("First-generation antipsychotics, high potency", 1)));
  EXPECT_THAT(RenderReportHtml(summary),
              Not(HasSubstr("antipsychotic-fga-high-potency")));
}

TEST(RenderReportHtmlTest, EscapesEveryNameFromTheInput) {
  AuditRunInfo run = SampleRun();
  run.input_name = "<b>ward</b> & co.csv";
  AuditSummaryBuilder builder;
  v1::CheckRequest request = Patient(40, v1::SEX_MALE, "<script>id</script>");
  request.add_medications()->set_name("<script>alert(1)</script>");
  request.add_medications()->set_name("Tom & Jerry's \"pill\"");
  v1::CheckResponse response =
      Levels(v1::RISK_LEVEL_HIGH, v1::RISK_LEVEL_LOW, 1);
  response.add_unrecognized()->set_name("<script>alert(1)</script>");
  response.add_unrecognized()->set_name("Tom & Jerry's \"pill\"");
  response.mutable_findings(0)->set_summary("<img src=x onerror=alert(1)>");
  builder.AddAnswer(request, response, 3);

  std::string html = RenderReportHtml(builder.Finish(run));

  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("<b>ward")));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(html, HasSubstr("Tom &amp; Jerry&#39;s &quot;pill&quot;"));
  EXPECT_THAT(html, HasSubstr("&lt;b&gt;ward&lt;/b&gt; &amp; co.csv"));
}

TEST(RenderReportHtmlTest, LoadsNothingFromOutside) {
  AuditSummary summary = SampleSummary();

  std::string html = RenderReportHtml(summary);

  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, Not(HasSubstr("@import")));
  EXPECT_THAT(html, Not(HasSubstr("url(")));
  // Only <a> may carry an address (a citation's link, loaded only if
  // clicked); no tag may have a src.
  std::regex addressed("<([a-zA-Z]+)[^>]*\\s(src|href)\\s*=");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), addressed);
       it != std::sregex_iterator(); ++it) {
    EXPECT_EQ((*it)[1].str(), "a") << (*it)[0].str();
    EXPECT_EQ((*it)[2].str(), "href") << (*it)[0].str();
  }
}

TEST(RenderReportHtmlTest, IncompleteRunHasABannerWithTheReason) {
  AuditRunInfo run = SampleRun();
  run.complete = false;
  run.incomplete_reason = "server lost after row 812 <UNAVAILABLE>";

  std::string html = RenderReportHtml(SampleSummary(run));

  EXPECT_THAT(html, HasSubstr("id=\"incomplete-banner\""));
  EXPECT_THAT(html, HasSubstr("<strong>INCOMPLETE</strong>"));
  EXPECT_THAT(html, HasSubstr("server lost after row 812 &lt;UNAVAILABLE&gt;"));
  EXPECT_THAT(html, HasSubstr("<td id=\"run-status\">INCOMPLETE</td>"));
}

TEST(RenderReportHtmlTest, CompleteRunHasNoBanner) {
  std::string html = RenderReportHtml(SampleSummary());

  EXPECT_THAT(html, Not(HasSubstr("incomplete-banner")));
  EXPECT_THAT(html, HasSubstr("<td id=\"run-status\">complete</td>"));
}

TEST(RenderReportHtmlTest, ListsUnrecognizedNamesMostFrequentFirst) {
  AuditSummary summary = SampleSummary();
  summary.unrecognized_names = {{"haloperidal", 4}, {"zyprexxa", 1}};

  std::string html = RenderReportHtml(summary);

  size_t first = html.find("<td class=\"unrecognized-name\">haloperidal</td>");
  size_t second = html.find("<td class=\"unrecognized-name\">zyprexxa</td>");
  ASSERT_NE(first, std::string::npos);
  ASSERT_NE(second, std::string::npos);
  EXPECT_LT(first, second);
}

TEST(RenderReportHtmlTest, DrugTableShowsTheTopTwenty) {
  AuditSummary summary = SampleSummary();
  summary.flagged_drugs.clear();
  for (int i = 0; i < 25; ++i) {
    summary.flagged_drugs[absl::StrCat("drug-", 100 + i)] = i + 1;
  }

  std::string html = RenderReportHtml(summary);

  EXPECT_THAT(html, HasSubstr("<td>drug-124</td>"));
  EXPECT_THAT(html, HasSubstr("<td>drug-105</td>"));
  EXPECT_THAT(html, Not(HasSubstr("<td>drug-104</td>")));
  EXPECT_THAT(html, HasSubstr("5 more not shown."));
}

TEST(RenderReportHtmlTest, EmptyRunSaysNothingWasFlagged) {
  AuditSummaryBuilder builder;

  std::string html = RenderReportHtml(builder.Finish(SampleRun()));

  EXPECT_THAT(html, HasSubstr("No prescription was flagged."));
  EXPECT_THAT(html, HasSubstr("Every medication name was recognized."));
  EXPECT_THAT(html, HasSubstr("<span id=\"rows-read\">0</span>"));
}

}  // namespace
}  // namespace dystonia::audit
