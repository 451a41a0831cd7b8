// Renders a committee report and reads it back through a real browser:
// headless Chromium from Debian's `chromium` package loads the file and
// prints the DOM it built (--dump-dom). Only what a browser adds is checked
// here (the page renders, its charts are SVG with their data to scale,
// nothing is fetched or run); what the report says is audit_summary_test's.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <vector>

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

// One bar as Chromium kept it inside an <svg>: its drawn width and the
// label and count its tooltip carries.
struct DrawnBar {
  int width = 0;
  std::string label;
  int value = 0;
};

// The bars of each chart, in the order drawn. Only elements Chromium parsed
// as SVG inside an <svg class="chart"> are read, so a chart the browser
// could not build has no bars.
std::vector<std::vector<DrawnBar>> DrawnCharts(const std::string& dom) {
  static const std::regex kChart(
      "<svg class=\"chart\"[^>]*>([\\s\\S]*?)</svg>");
  static const std::regex kBar(
      "<rect [^>]*width=\"([0-9]+)\"[^>]*><title>([^<]*): ([0-9]+)</title>");
  std::vector<std::vector<DrawnBar>> charts;
  for (std::sregex_iterator chart(dom.begin(), dom.end(), kChart), end;
       chart != end; ++chart) {
    const std::string body = (*chart)[1];
    std::vector<DrawnBar>& bars = charts.emplace_back();
    for (std::sregex_iterator bar(body.begin(), body.end(), kBar); bar != end;
         ++bar) {
      bars.push_back({std::stoi((*bar)[1]), (*bar)[2], std::stoi((*bar)[3])});
    }
  }
  return charts;
}

TEST(ReportBrowserTest, ChromiumRendersTheReport) {
  const BrowserResult& browser = LoadInChromium();

  ASSERT_EQ(browser.error, "");
  EXPECT_THAT(browser.dom,
              HasSubstr("<h1>Drug-induced dystonia risk audit</h1>"));
  EXPECT_THAT(browser.dom,
              HasSubstr("<title>Dystonia risk audit: ward-7-2026-11.csv"));
}

// The charts as the browser draws them: three of them (acute levels,
// tardive levels, flagged drugs), each bar carrying its count, drawn to
// scale (the longest 360 px, the others in proportion, a non-zero count at
// least a sliver).
TEST(ReportBrowserTest, EachChartsBarsCarryTheirCountsToScale) {
  const BrowserResult& browser = LoadInChromium();
  ASSERT_EQ(browser.error, "");

  const std::vector<std::vector<DrawnBar>> charts = DrawnCharts(browser.dom);

  ASSERT_EQ(charts.size(), 3u);
  // The sample: acute HIGH 1, NONE 3; tardive HIGH 1, LOW 1, NONE 2; one
  // prescription each flagging haloperidol and metoclopramide.
  std::map<std::string, int> acute, tardive, drugs;
  for (const DrawnBar& bar : charts[0]) acute[bar.label] = bar.value;
  for (const DrawnBar& bar : charts[1]) tardive[bar.label] = bar.value;
  for (const DrawnBar& bar : charts[2]) drugs[bar.label] = bar.value;
  EXPECT_EQ(acute, (std::map<std::string, int>{
                       {"High", 1}, {"Moderate", 0}, {"Low", 0}, {"None", 3}}));
  EXPECT_EQ(tardive,
            (std::map<std::string, int>{
                {"High", 1}, {"Moderate", 0}, {"Low", 1}, {"None", 2}}));
  EXPECT_EQ(drugs, (std::map<std::string, int>{{"Haloperidol", 1},
                                               {"Metoclopramide", 1}}));
  for (const std::vector<DrawnBar>& chart : charts) {
    int most = 0;
    for (const DrawnBar& bar : chart) most = std::max(most, bar.value);
    ASSERT_GT(most, 0);
    for (const DrawnBar& bar : chart) {
      EXPECT_EQ(bar.width,
                std::max(bar.value * 360 / most, bar.value > 0 ? 2 : 0))
          << bar.label;
    }
  }
}

// Nothing in the page makes the browser fetch anything: its policy allows
// no source at all (inline style only), and no element that loads a
// resource survives in the parsed page. Links to the cited sources are
// followed only when a reader clicks them.
TEST(ReportBrowserTest, FetchesNothingAndRunsNoScript) {
  const BrowserResult& browser = LoadInChromium();
  ASSERT_EQ(browser.error, "");

  EXPECT_THAT(browser.dom,
              HasSubstr("<meta http-equiv=\"Content-Security-Policy\" "
                        "content=\"default-src 'none'; style-src "
                        "'unsafe-inline'\">"));
  for (const char* loads :
       {"<script", "<img", "<iframe", "<object", "<embed", "<link", "<video",
        "<audio", "<source", " src=", " srcset=", "url(", "@import", "<base"}) {
    EXPECT_THAT(browser.dom, Not(HasSubstr(loads))) << loads;
  }
  // The hostile name in the input ran nothing.
  EXPECT_THAT(browser.dom, Not(HasSubstr("<title>pwned")));
  EXPECT_THAT(browser.dom, HasSubstr("&lt;script&gt;document.title="));
}

}  // namespace
}  // namespace dystonia::audit
