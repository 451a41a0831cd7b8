// Renders a committee report and reads it back through a real browser:
// headless Chromium from Debian's `chromium` package loads the file and
// prints the DOM it built (--dump-dom), so the assertions are on what a
// reader's browser parsed, not on the bytes written.

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "clients/audit/audit_summary.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "tests/testing/headless_chromium.h"
#include "tests/testing/knowledge_fixture.h"

namespace dystonia::audit {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Four prescriptions as the server would answer them (FULL view, trimmed to
// what the report shows).
constexpr absl::string_view kHaloperidolRequest = R"pb(
  request_id: "rx-001"
  patient { age_years: 19 sex: SEX_MALE }
  medications {
    name: "haloperidol lactate 5 mg/mL"
    route: ROUTE_INTRAMUSCULAR
    daily_dose_mg: 5
    status: MEDICATION_STATUS_PROPOSED
  }
)pb";
constexpr absl::string_view kHaloperidolResponse = R"pb(
  request_id: "rx-001"
  knowledge_base_version: "2026.11.27+1"
  acute_dystonia { level: RISK_LEVEL_HIGH factors: "Intramuscular route" }
  tardive_dyskinesia { level: RISK_LEVEL_LOW }
  findings {
    id: "acute-dystonia.haloperidol"
    kind: ACUTE_DYSTONIA
    level: RISK_LEVEL_HIGH
    medication_indexes: 0
    drug_ids: "haloperidol"
    summary: "Haloperidol IM in a young man: high risk of acute dystonia"
    factors: "Male under 30"
    factors: "Parenteral route"
    recommendations: "Consider prophylactic benztropine or diphenhydramine"
    citations {
      kind: LABEL
      title: "HALDOL brand of haloperidol injection: prescribing information"
      section: "Adverse Reactions: Neuromuscular (Extrapyramidal) Reactions"
      publisher: "Janssen Pharmaceuticals"
      year: 2023
      url: "https://dailymed.nlm.nih.gov/dailymed/search.cfm?query=haloperidol&labeltype=all"
    }
  }
  assessed {
    medication_index: 0
    drug_id: "haloperidol"
    drug_name: "Haloperidol"
    matched_name: "haloperidol"
    classes: "first-generation-antipsychotic"
    route: ROUTE_INTRAMUSCULAR
  }
)pb";

constexpr absl::string_view kMetoclopramideRequest = R"pb(
  request_id: "rx-002"
  patient { age_years: 72 sex: SEX_FEMALE }
  medications {
    name: "Reglan 10 mg"
    status: MEDICATION_STATUS_ACTIVE
    days_on_therapy: 400
  }
)pb";
constexpr absl::string_view kMetoclopramideResponse = R"pb(
  request_id: "rx-002"
  knowledge_base_version: "2026.11.27+1"
  acute_dystonia { level: RISK_LEVEL_NONE }
  tardive_dyskinesia { level: RISK_LEVEL_HIGH }
  findings {
    id: "tardive.metoclopramide"
    kind: TARDIVE_DYSKINESIA
    level: RISK_LEVEL_HIGH
    medication_indexes: 0
    drug_ids: "metoclopramide"
    summary: "Metoclopramide beyond 12 weeks at 72: high risk of tardive dyskinesia"
    recommendations: "Avoid treatment longer than 12 weeks"
    citations {
      kind: LABEL
      title: "REGLAN (metoclopramide) tablets: prescribing information"
      section: "Boxed Warning: Tardive Dyskinesia"
      publisher: "ANI Pharmaceuticals"
      year: 2023
    }
  }
  assessed {
    medication_index: 0
    drug_id: "metoclopramide"
    drug_name: "Metoclopramide"
    matched_name: "Reglan"
    match_kind: BRAND
    classes: "dopamine-antagonist-antiemetic"
  }
)pb";

constexpr absl::string_view kMisspelledRequest = R"pb(
  request_id: "rx-003"
  patient { age_years: 45 sex: SEX_FEMALE }
  medications { name: "haloperidal" }
  medications { name: "metformin" }
)pb";
constexpr absl::string_view kMisspelledResponse = R"pb(
  request_id: "rx-003"
  knowledge_base_version: "2026.11.27+1"
  acute_dystonia { level: RISK_LEVEL_NONE }
  tardive_dyskinesia { level: RISK_LEVEL_NONE }
  unrecognized {
    medication_index: 0
    name: "haloperidal"
    suggestions: "haloperidol"
  }
  assessed { medication_index: 1 drug_id: "metformin" drug_name: "Metformin" }
)pb";

// A hostile name from the input file: if the report failed to escape it,
// Chromium would run it and the title would change.
constexpr absl::string_view kHostileRequest = R"pb(
  request_id: "rx-004"
  patient { age_years: 30 sex: SEX_MALE }
  medications { name: "haloperidal" }
  medications { name: "<script>document.title='pwned'</script> & co" }
)pb";
constexpr absl::string_view kHostileResponse = R"pb(
  request_id: "rx-004"
  knowledge_base_version: "2026.11.27+1"
  acute_dystonia { level: RISK_LEVEL_NONE }
  tardive_dyskinesia { level: RISK_LEVEL_NONE }
  unrecognized { medication_index: 0 name: "haloperidal" }
  unrecognized {
    medication_index: 1
    name: "<script>document.title='pwned'</script> & co"
  }
)pb";

constexpr char kSha256[] =
    "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b";

template <typename Message>
Message Parse(absl::string_view text) {
  Message message;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(std::string(text),
                                                            &message))
      << text;
  return message;
}

std::string RenderSampleReport() {
  AuditSummaryBuilder builder;
  builder.AddRowsRead(7);
  builder.AddAnswer(Parse<v1::CheckRequest>(kHaloperidolRequest),
                    Parse<v1::CheckResponse>(kHaloperidolResponse), 1);
  builder.AddAnswer(Parse<v1::CheckRequest>(kMetoclopramideRequest),
                    Parse<v1::CheckResponse>(kMetoclopramideResponse), 1);
  builder.AddAnswer(Parse<v1::CheckRequest>(kMisspelledRequest),
                    Parse<v1::CheckResponse>(kMisspelledResponse), 2);
  builder.AddAnswer(Parse<v1::CheckRequest>(kHostileRequest),
                    Parse<v1::CheckResponse>(kHostileResponse), 2);
  builder.AddRejectedRows(1);  // a row with no age
  AuditRunInfo run;
  run.input_name = "ward-7-2026-11.csv";
  run.input_sha256 = kSha256;
  run.started_at = "2026-11-27T03:45:00Z";
  run.finished_at = "2026-11-27T03:45:02Z";
  run.server = "127.0.0.1:50051";
  return RenderReportHtml(builder.Finish(run));
}

// The DOM Chromium built from the sample report, or why there is none.
struct BrowserResult {
  std::string dom;
  std::string error;
};

// Writes the report, runs Chromium once for the whole suite (a start costs
// about a second) and keeps what it printed.
const BrowserResult& LoadInChromium() {
  static const BrowserResult* const result = [] {
    auto* result = new BrowserResult;
    std::string dir = testing::NewTempDir("report-browser");
    std::string report = dir + "/report.html";
    std::ofstream(report) << RenderSampleReport();
    const testing::BrowserDom loaded =
        testing::LoadInHeadlessChromium("file://" + report, dir);
    result->dom = loaded.dom;
    result->error = loaded.error;
    return result;
  }();
  return *result;
}

int Count(const std::string& text, const std::string& needle) {
  int count = 0;
  for (size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

TEST(ReportBrowserTest, ChromiumRendersTheReport) {
  const BrowserResult& browser = LoadInChromium();

  ASSERT_EQ(browser.error, "");
  EXPECT_THAT(browser.dom,
              HasSubstr("<h1>Drug-induced dystonia risk audit</h1>"));
  EXPECT_THAT(browser.dom,
              HasSubstr("<title>Dystonia risk audit: ward-7-2026-11.csv"));
}

TEST(ReportBrowserTest, ShowsTheTotalsAndReconciliation) {
  const BrowserResult& browser = LoadInChromium();

  ASSERT_EQ(browser.error, "");
  EXPECT_THAT(browser.dom, HasSubstr("<span id=\"rows-read\">7</span>"));
  EXPECT_THAT(browser.dom, HasSubstr("<span id=\"rows-assessed\">6</span>"));
  EXPECT_THAT(browser.dom, HasSubstr("<span id=\"rows-rejected\">1</span>"));
  EXPECT_THAT(browser.dom, HasSubstr("<span id=\"prescriptions\">4</span>"));
  EXPECT_THAT(browser.dom,
              HasSubstr("<span id=\"medications-assessed\">3</span>"));
  EXPECT_THAT(browser.dom,
              HasSubstr("<span id=\"medications-unrecognized\">3</span>"));
  EXPECT_THAT(browser.dom, HasSubstr("7 rows read = 6 assessed + 1 rejected"));
}

TEST(ReportBrowserTest, ShowsTheLevelCounts) {
  const BrowserResult& browser = LoadInChromium();

  ASSERT_EQ(browser.error, "");
  EXPECT_THAT(browser.dom, HasSubstr("id=\"acute-high\">1<"));
  EXPECT_THAT(browser.dom, HasSubstr("id=\"acute-none\">3<"));
  EXPECT_THAT(browser.dom, HasSubstr("id=\"tardive-high\">1<"));
  EXPECT_THAT(browser.dom, HasSubstr("id=\"tardive-low\">1<"));
  EXPECT_THAT(browser.dom, HasSubstr("id=\"tardive-none\">2<"));
  EXPECT_THAT(browser.dom, HasSubstr("id=\"high-18-34-male\">1<"));
  EXPECT_THAT(browser.dom, HasSubstr("id=\"high-65plus-female\">1<"));
}

TEST(ReportBrowserTest, DrawsTheChartsAsSvgBars) {
  const BrowserResult& browser = LoadInChromium();

  ASSERT_EQ(browser.error, "");
  // Acute, tardive and drugs: 4 + 4 + 2 bars. Chromium keeps them as SVG
  // elements in the DOM only when it parsed them as SVG.
  EXPECT_EQ(Count(browser.dom, "<svg"), 3);
  EXPECT_EQ(Count(browser.dom, "<rect"), 10);
  EXPECT_THAT(browser.dom, HasSubstr("class=\"bar high\""));
  // The longest bar has the full width.
  EXPECT_THAT(browser.dom, HasSubstr("width=\"360\""));
  EXPECT_THAT(browser.dom, HasSubstr(">Haloperidol</text>"));
  EXPECT_THAT(browser.dom, HasSubstr(">Metoclopramide</text>"));
}

TEST(ReportBrowserTest, ListsTheTopFlaggedWithTheirCitations) {
  const BrowserResult& browser = LoadInChromium();

  ASSERT_EQ(browser.error, "");
  size_t first =
      browser.dom.find("<span class=\"prescription-id\">rx-001</span>");
  size_t second =
      browser.dom.find("<span class=\"prescription-id\">rx-002</span>");
  ASSERT_NE(first, std::string::npos);
  ASSERT_NE(second, std::string::npos);
  EXPECT_LT(first, second);
  EXPECT_THAT(browser.dom,
              Not(HasSubstr("<span class=\"prescription-id\">rx-003")));
  EXPECT_THAT(browser.dom,
              HasSubstr("<cite>HALDOL brand of haloperidol injection: "
                        "prescribing information</cite>"));
  EXPECT_THAT(browser.dom, HasSubstr("Boxed Warning: Tardive Dyskinesia"));
  EXPECT_THAT(browser.dom,
              HasSubstr("href=\"https://dailymed.nlm.nih.gov/dailymed/"
                        "search.cfm?query=haloperidol&amp;labeltype=all\""));
}

TEST(ReportBrowserTest, RanksTheUnrecognizedNames) {
  const BrowserResult& browser = LoadInChromium();

  ASSERT_EQ(browser.error, "");
  size_t misspelling =
      browser.dom.find("<td class=\"unrecognized-name\">haloperidal</td>");
  size_t hostile = browser.dom.find(
      "<td class=\"unrecognized-name\">&lt;script&gt;document.title='pwned'"
      "&lt;/script&gt; &amp; co</td>");
  ASSERT_NE(misspelling, std::string::npos);
  ASSERT_NE(hostile, std::string::npos);
  EXPECT_LT(misspelling, hostile);
}

TEST(ReportBrowserTest, ShowsTheRunInfo) {
  const BrowserResult& browser = LoadInChromium();

  ASSERT_EQ(browser.error, "");
  EXPECT_THAT(browser.dom,
              HasSubstr("<td id=\"kb-version\">2026.11.27+1</td>"));
  EXPECT_THAT(browser.dom, HasSubstr(absl::StrCat("<code id=\"input-sha256\">",
                                                  kSha256, "</code>")));
  EXPECT_THAT(browser.dom, HasSubstr("<td id=\"run-status\">complete</td>"));
  EXPECT_THAT(browser.dom, Not(HasSubstr("incomplete-banner")));
}

TEST(ReportBrowserTest, RunsNoScriptFromTheInput) {
  const BrowserResult& browser = LoadInChromium();

  ASSERT_EQ(browser.error, "");
  EXPECT_THAT(browser.dom, Not(HasSubstr("<script")));
  EXPECT_THAT(browser.dom, Not(HasSubstr("<title>pwned")));
}

}  // namespace
}  // namespace dystonia::audit
