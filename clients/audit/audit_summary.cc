#include "clients/audit/audit_summary.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "proto/views/finding_citations.h"
#include "proto/vocabulary/enum_words.h"

namespace dystonia::audit {
namespace {

constexpr size_t kReportTableRows = 20;
// The age bands and sexes of the HIGH breakdown, in display order.
constexpr absl::string_view kAgeBands[] = {"0-17",  "18-34", "35-54",
                                           "55-64", "65+",   "unknown"};
constexpr absl::string_view kSexes[] = {"male", "female", "other/unknown"};
// Levels in display order, most serious first.
constexpr v1::RiskLevel kLevels[] = {v1::RISK_LEVEL_HIGH,
                                     v1::RISK_LEVEL_MODERATE,
                                     v1::RISK_LEVEL_LOW, v1::RISK_LEVEL_NONE};

bool IsFlagged(v1::RiskLevel level) {
  return level == v1::RISK_LEVEL_MODERATE || level == v1::RISK_LEVEL_HIGH;
}

std::string AgeBand(const v1::Patient& patient) {
  if (!patient.has_age_years()) return "unknown";
  double age = patient.age_years();
  // Fractional ages (0.5 = six months) belong to the band they are in:
  // 17.9 is still a minor.
  if (age < 18) return "0-17";
  if (age < 35) return "18-34";
  if (age < 55) return "35-54";
  if (age < 65) return "55-64";
  return "65+";
}

std::string SexGroup(v1::Sex sex) {
  switch (sex) {
    case v1::SEX_MALE:
      return "male";
    case v1::SEX_FEMALE:
      return "female";
    default:
      return "other/unknown";
  }
}

// The most serious level anywhere in the answer.
v1::RiskLevel MaxLevel(const v1::CheckResponse& response) {
  int level = std::max(response.acute_dystonia().level(),
                       response.tardive_dyskinesia().level());
  for (const v1::Finding& finding : response.findings()) {
    level = std::max<int>(level, finding.level());
  }
  return static_cast<v1::RiskLevel>(level);
}

// True when `a` ranks strictly above `b` in the top list. Input order breaks
// ties, which the insertion in AddAnswer gets for free (see there).
bool MoreSerious(const v1::CheckResponse& a, const v1::CheckResponse& b) {
  v1::RiskLevel level_a = MaxLevel(a);
  v1::RiskLevel level_b = MaxLevel(b);
  if (level_a != level_b) return level_a > level_b;
  return a.findings_size() > b.findings_size();
}

// What the input file said for medication `index`: its name, else its code.
std::string WrittenName(const v1::CheckRequest& request, int index) {
  if (index < 0 || index >= request.medications_size()) return "";
  const v1::Medication& medication = request.medications(index);
  if (!medication.name().empty()) return medication.name();
  if (!medication.rxcui().empty()) {
    return absl::StrCat("RxCUI ", medication.rxcui());
  }
  if (!medication.atc_code().empty()) {
    return absl::StrCat("ATC ", medication.atc_code());
  }
  return "";
}

}  // namespace

AuditSummaryBuilder::AuditSummaryBuilder(size_t top_flagged_limit)
    : top_flagged_limit_(top_flagged_limit) {}

void AuditSummaryBuilder::AddAnswer(const v1::CheckRequest& request,
                                    const v1::CheckResponse& response,
                                    int64_t rows) {
  // A rejected request is not an answer; count it where the reconciliation
  // expects it rather than trusting every caller to have checked.
  if (response.has_error()) {
    AddRejectedRows(rows);
    return;
  }
  ++order_;
  summary_.rows_assessed += rows;
  ++summary_.prescriptions;
  summary_.medications_assessed += response.assessed_size();
  summary_.medications_unrecognized += response.unrecognized_size();
  if (!response.unrecognized().empty()) ++summary_.prescriptions_incomplete;
  if (!response.knowledge_base_version().empty()) {
    summary_.knowledge_base_version = response.knowledge_base_version();
  }
  ++summary_.by_acute_level[response.acute_dystonia().level()];
  ++summary_.by_tardive_level[response.tardive_dyskinesia().level()];

  // Each drug and class counts once per prescription, however many
  // findings name it.
  std::set<std::string> flagged_drug_ids;
  for (const v1::Finding& finding : response.findings()) {
    if (!IsFlagged(finding.level())) continue;
    flagged_drug_ids.insert(finding.drug_ids().begin(),
                            finding.drug_ids().end());
  }
  std::set<std::string> drug_names;
  std::set<std::string> class_names;
  for (const std::string& drug_id : flagged_drug_ids) {
    std::string name;
    for (const v1::AssessedMedication& assessed : response.assessed()) {
      bool is_drug = assessed.drug_id() == drug_id;
      bool is_ingredient =
          std::find(assessed.ingredient_ids().begin(),
                    assessed.ingredient_ids().end(),
                    drug_id) != assessed.ingredient_ids().end();
      if (!is_drug && !is_ingredient) continue;
      // Names for the committee; a server older than class_names sends
      // only ids.
      for (int c = 0; c < assessed.classes_size(); ++c) {
        class_names.insert(c < assessed.class_names_size()
                               ? assessed.class_names(c)
                               : assessed.classes(c));
      }
      if (is_drug && name.empty()) {
        name = assessed.drug_name().empty() ? assessed.matched_name()
                                            : assessed.drug_name();
      }
    }
    // An ingredient of a combination product has no entry of its own in
    // `assessed`; its id is still a readable name.
    drug_names.insert(name.empty() ? drug_id : name);
  }
  for (const std::string& name : drug_names) ++summary_.flagged_drugs[name];
  for (const std::string& name : class_names) {
    ++summary_.flagged_classes[name];
  }

  if (response.acute_dystonia().level() == v1::RISK_LEVEL_HIGH ||
      response.tardive_dyskinesia().level() == v1::RISK_LEVEL_HIGH) {
    ++summary_.high_by_age_and_sex[{AgeBand(request.patient()),
                                    SexGroup(request.patient().sex())}];
  }

  for (const v1::UnrecognizedMedication& unrecognized :
       response.unrecognized()) {
    std::string name =
        unrecognized.name().empty()
            ? WrittenName(request, unrecognized.medication_index())
            : unrecognized.name();
    if (name.empty()) continue;
    ++unrecognized_[name];
    if (!unrecognized.suggestions().empty() && !suggestions_.count(name)) {
      suggestions_[name].assign(unrecognized.suggestions().begin(),
                                unrecognized.suggestions().end());
    }
  }

  // The top list stays sorted, most serious first. A newcomer goes after
  // every entry it does not outrank, so equals keep their input order without
  // storing it.
  if (!IsFlagged(MaxLevel(response)) || top_flagged_limit_ == 0) return;
  std::vector<FlaggedPrescription>& top = summary_.top_flagged;
  if (top.size() >= top_flagged_limit_ &&
      !MoreSerious(response, top.back().response)) {
    return;
  }
  auto position = std::upper_bound(
      top.begin(), top.end(), response,
      [](const v1::CheckResponse& value, const FlaggedPrescription& entry) {
        return MoreSerious(value, entry.response);
      });
  FlaggedPrescription flagged;
  flagged.prescription_id = request.request_id().empty() ? response.request_id()
                                                         : request.request_id();
  flagged.age_years = request.patient().age_years();
  flagged.sex = request.patient().sex();
  for (int i = 0; i < request.medications_size(); ++i) {
    flagged.medications.push_back(WrittenName(request, i));
  }
  flagged.response = response;
  top.insert(position, std::move(flagged));
  if (top.size() > top_flagged_limit_) top.pop_back();
}

void AuditSummaryBuilder::AddRejectedRows(int64_t rows) {
  summary_.rows_rejected += rows;
}

void AuditSummaryBuilder::AddRowsRead(int64_t rows) {
  summary_.rows_read += rows;
}

AuditSummary AuditSummaryBuilder::Finish(const AuditRunInfo& run) const {
  AuditSummary summary = summary_;
  summary.run = run;
  summary.unrecognized_names.assign(unrecognized_.begin(), unrecognized_.end());
  // The map gives name order; a stable sort by count keeps it for ties.
  std::stable_sort(
      summary.unrecognized_names.begin(), summary.unrecognized_names.end(),
      [](const auto& a, const auto& b) { return a.second > b.second; });
  summary.unrecognized_suggestions = suggestions_;
  return summary;
}

// ---------------------------------------------------------------------------
// The report.

namespace {

// Escapes text for HTML element content and quoted attribute values.
std::string Escape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Shortens a chart label to `max_bytes` without splitting a UTF-8 sequence;
// the tables beside the charts carry the full text.
std::string ShortLabel(const std::string& text, size_t max_bytes = 32) {
  if (text.size() <= max_bytes) return text;
  size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return text.substr(0, end) + "\u2026";
}

// "High": the level's word (proto/vocabulary) as a heading writes it.
std::string LevelName(v1::RiskLevel level) {
  if (level == v1::RISK_LEVEL_UNSPECIFIED) return "Not given";
  std::string word = absl::AsciiStrToLower(RiskLevelWord(level));
  word[0] = absl::ascii_toupper(static_cast<unsigned char>(word[0]));
  return word;
}

// A CSS class and id fragment per level.
std::string LevelSlug(v1::RiskLevel level) {
  switch (level) {
    case v1::RISK_LEVEL_HIGH:
      return "high";
    case v1::RISK_LEVEL_MODERATE:
      return "moderate";
    case v1::RISK_LEVEL_LOW:
      return "low";
    case v1::RISK_LEVEL_NONE:
      return "none";
    default:
      return "unspecified";
  }
}

std::string KindName(v1::Finding::Kind kind) {
  switch (kind) {
    case v1::Finding::ACUTE_DYSTONIA:
      return "Acute dystonia";
    case v1::Finding::TARDIVE_DYSKINESIA:
      return "Tardive dyskinesia / dystonia";
    case v1::Finding::DUPLICATE_DOPAMINE_BLOCKADE:
      return "Duplicate dopamine blockade";
    case v1::Finding::EXPOSURE_INTERACTION:
      return "Exposure interaction";
    case v1::Finding::PROPHYLAXIS_PRESENT:
      return "Prophylaxis present";
    case v1::Finding::DRUG_CONDITION:
      return "Drug and condition";
    case v1::Finding::DRUG_COMBINATION:
      return "Drug combination";
    case v1::Finding::DRUG_AGE:
      return "Drug and age";
    case v1::Finding::DRUG_PHENOTYPE:
      return "Drug and metabolizer phenotype";
    default:
      return "Other";
  }
}

std::string SexName(v1::Sex sex) {
  switch (sex) {
    case v1::SEX_MALE:
      return "male";
    case v1::SEX_FEMALE:
      return "female";
    case v1::SEX_OTHER:
      return "other";
    case v1::SEX_UNKNOWN:
      return "unknown";
    default:
      return "not given";
  }
}

std::string Percent(int64_t part, int64_t whole) {
  if (whole <= 0) return "";
  return absl::StrFormat(
      "%.1f%%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

// Only web links are written as links; anything else (a typo, another
// scheme) is shown as text so the report never carries an active URL of an
// unexpected kind.
bool IsWebUrl(absl::string_view url) {
  return absl::StartsWith(url, "https://") || absl::StartsWith(url, "http://");
}

struct Bar {
  std::string label;
  int64_t value = 0;
  std::string css_class;  // colours the bar
};

// A horizontal bar chart as inline SVG. Labels are escaped; the numbers are
// also printed beside each bar so the chart reads in black and white.
std::string BarChart(absl::string_view title, const std::vector<Bar>& bars) {
  constexpr int kLabelWidth = 230;
  constexpr int kBarWidth = 360;
  constexpr int kRowHeight = 24;
  constexpr int kWidth = kLabelWidth + kBarWidth + 70;
  int64_t max_value = 0;
  for (const Bar& bar : bars) max_value = std::max(max_value, bar.value);
  int height = static_cast<int>(bars.size()) * kRowHeight + 8;
  std::string svg = absl::StrFormat(
      "<svg class=\"chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
      "role=\"img\" aria-label=\"%s\">\n<title>%s</title>\n",
      kWidth, height, kWidth, height, Escape(title), Escape(title));
  for (size_t i = 0; i < bars.size(); ++i) {
    const Bar& bar = bars[i];
    int y = static_cast<int>(i) * kRowHeight + 4;
    // A non-zero count always shows at least a sliver.
    int width = max_value == 0
                    ? 0
                    : static_cast<int>(bar.value * kBarWidth / max_value);
    if (bar.value > 0 && width < 2) width = 2;
    absl::StrAppendFormat(
        &svg,
        "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" class=\"label\">%s"
        "</text>\n<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
        "class=\"bar %s\"><title>%s: %d</title></rect>\n"
        "<text x=\"%d\" y=\"%d\" class=\"value\">%d</text>\n",
        kLabelWidth - 8, y + 16, Escape(ShortLabel(bar.label)), kLabelWidth,
        y + 2, width, kRowHeight - 6, bar.css_class, Escape(bar.label),
        bar.value, kLabelWidth + width + 6, y + 16, bar.value);
  }
  svg += "</svg>\n";
  return svg;
}

// The entries of `counts` with the most first (name order for ties), at
// most `limit`.
std::vector<std::pair<std::string, int64_t>> TopCounts(
    const std::map<std::string, int64_t>& counts, size_t limit) {
  std::vector<std::pair<std::string, int64_t>> top(counts.begin(),
                                                   counts.end());
  std::stable_sort(top.begin(), top.end(), [](const auto& a, const auto& b) {
    return a.second > b.second;
  });
  if (top.size() > limit) top.resize(limit);
  return top;
}

int64_t CountAt(const std::map<v1::RiskLevel, int64_t>& counts,
                v1::RiskLevel level) {
  auto it = counts.find(level);
  return it == counts.end() ? 0 : it->second;
}

constexpr absl::string_view kStyle = R"css(
body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; color: #111;
       max-width: 62rem; margin: 1.5rem auto; padding: 0 1rem;
       line-height: 1.4; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.2rem; border-bottom: 2px solid #444; padding-bottom: 0.2rem;
     margin-top: 2rem; }
h3 { font-size: 1rem; margin: 0.4rem 0; }
h4 { font-size: 0.9rem; margin: 0.5rem 0 0.1rem; }
.subtitle, .note { color: #444; }
table { border-collapse: collapse; margin: 0.6rem 0; }
th, td { border: 1px solid #999; padding: 0.2rem 0.5rem; text-align: left;
         vertical-align: top; }
th { background: #eee; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font-family: "DejaVu Sans Mono", monospace; word-break: break-all; }
.banner { border: 4px solid #b2182b; background: #fde0dd; color: #67000d;
          padding: 0.8rem 1rem; margin: 1rem 0; font-size: 1.1rem; }
.banner strong { font-size: 1.4rem; letter-spacing: 0.05em; }
.reconciliation.ok { color: #1b5e20; }
.reconciliation.mismatch { color: #b2182b; font-weight: bold; }
svg.chart { display: block; margin: 0.6rem 0; max-width: 100%; height: auto; }
svg.chart text { font-size: 12px; fill: #111; }
rect.bar { fill: #4575b4; }
rect.bar.high { fill: #b2182b; }
rect.bar.moderate { fill: #ef8a62; }
rect.bar.low { fill: #fddbc7; stroke: #999; }
rect.bar.none { fill: #d1e5f0; stroke: #999; }
rect.bar.unspecified { fill: #bbb; }
.level { font-weight: bold; padding: 0 0.3rem; border: 1px solid #999; }
.level.high { background: #b2182b; color: #fff; }
.level.moderate { background: #ef8a62; }
.level.low { background: #fddbc7; }
.level.none { background: #d1e5f0; }
article.prescription { border: 1px solid #999; padding: 0.5rem 0.8rem;
                       margin: 0.8rem 0; }
.finding { border-top: 1px dashed #999; padding-top: 0.4rem;
           margin-top: 0.4rem; }
.finding ul, .finding ol { margin: 0.2rem 0; }
.contraindicated { color: #b2182b; font-weight: bold; }
ol.sources { padding-left: 2.2rem; }
ol.sources li, ol.sources a { overflow-wrap: anywhere; }
.refs { font-size: 0.85rem; white-space: nowrap; }
.refs a { text-decoration: none; }
footer { margin-top: 2rem; color: #444; font-size: 0.9rem; }
@media print {
  body { max-width: none; margin: 0; font-size: 10pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; }
  table, svg.chart, article.prescription { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  a[href]::after { content: " <" attr(href) ">"; font-size: 8pt;
                   word-break: break-all; }
}
)css";

void RenderRunInfo(const AuditSummary& summary, std::string* html) {
  const AuditRunInfo& run = summary.run;
  absl::StrAppend(
      html, "<section id=\"run-info\">\n<h2>Run</h2>\n<table class=\"kv\">\n",
      "<tr><th>Input file</th><td id=\"input-name\">", Escape(run.input_name),
      "</td></tr>\n<tr><th>Input SHA-256</th><td><code id=\"input-sha256\">",
      Escape(run.input_sha256),
      "</code></td></tr>\n<tr><th>Started (UTC)</th><td id=\"started-at\">",
      Escape(run.started_at),
      "</td></tr>\n<tr><th>Finished (UTC)</th><td id=\"finished-at\">",
      Escape(run.finished_at),
      "</td></tr>\n<tr><th>Server</th><td id=\"server\">", Escape(run.server),
      "</td></tr>\n<tr><th>Knowledge base version</th><td id=\"kb-version\">",
      Escape(summary.knowledge_base_version),
      "</td></tr>\n<tr><th>Status</th><td id=\"run-status\">",
      run.complete ? "complete" : "INCOMPLETE", "</td></tr>\n</table>\n",
      "</section>\n");
}

void RenderTotals(const AuditSummary& summary, std::string* html) {
  auto row = [&](absl::string_view label, absl::string_view id, int64_t value) {
    absl::StrAppend(html, "<tr><th>", label,
                    "</th><td class=\"num\"><span id=\"", id, "\">", value,
                    "</span></td></tr>\n");
  };
  absl::StrAppend(html, "<section id=\"totals\">\n<h2>Totals</h2>\n<table>\n");
  row("Input rows read", "rows-read", summary.rows_read);
  row("Rows assessed by the server", "rows-assessed", summary.rows_assessed);
  row("Rows rejected (malformed or refused)", "rows-rejected",
      summary.rows_rejected);
  row("Prescriptions assessed", "prescriptions", summary.prescriptions);
  row("Medications recognized", "medications-assessed",
      summary.medications_assessed);
  row("Medications not recognized", "medications-unrecognized",
      summary.medications_unrecognized);
  row("Prescriptions with an unrecognized name (levels incomplete)",
      "prescriptions-incomplete", summary.prescriptions_incomplete);
  absl::StrAppend(html, "</table>\n");
  if (summary.prescriptions_incomplete > 0) {
    absl::StrAppend(
        html,
        "<p id=\"levels-incomplete\" class=\"reconciliation mismatch\">"
        "INCOMPLETE levels: ",
        summary.prescriptions_incomplete,
        summary.prescriptions_incomplete == 1 ? " prescription names"
                                              : " prescriptions name",
        " a medication the server did not recognize; their levels judge only "
        "the recognized medications (an unknown drug is not a safe one). See "
        "<a href=\"#unrecognized\">Unrecognized names</a>.</p>\n");
  }
  bool balanced =
      summary.rows_read == summary.rows_assessed + summary.rows_rejected;
  absl::StrAppend(
      html, "<p id=\"reconciliation\" class=\"reconciliation ",
      balanced ? "ok" : "mismatch", "\">Reconciliation: ", summary.rows_read,
      " rows read ", balanced ? "=" : "\u2260", " ", summary.rows_assessed,
      " assessed + ", summary.rows_rejected, " rejected",
      balanced ? " \u2014 every row is accounted for."
               : " \u2014 MISMATCH: some rows are not accounted for.",
      "</p>\n</section>\n");
}

void RenderLevels(absl::string_view id, absl::string_view title,
                  const std::map<v1::RiskLevel, int64_t>& counts,
                  int64_t prescriptions, std::string* html) {
  std::vector<v1::RiskLevel> levels(std::begin(kLevels), std::end(kLevels));
  // A level the server left unset is shown only when it happened, so a
  // normal run has four rows.
  if (CountAt(counts, v1::RISK_LEVEL_UNSPECIFIED) > 0) {
    levels.push_back(v1::RISK_LEVEL_UNSPECIFIED);
  }
  std::vector<Bar> bars;
  for (v1::RiskLevel level : levels) {
    bars.push_back(
        {LevelName(level), CountAt(counts, level), LevelSlug(level)});
  }
  absl::StrAppend(html, "<section id=\"", id, "\">\n<h2>", title, "</h2>\n",
                  BarChart(title, bars),
                  "<table>\n<thead><tr><th>Level</th><th class=\"num\">"
                  "Prescriptions</th><th class=\"num\">Share</th></tr>"
                  "</thead>\n<tbody>\n");
  // Ids like "acute-high" / "tardive-none" let a reader's tool find a count.
  std::string prefix(id.substr(0, id.find('-')));
  for (v1::RiskLevel level : levels) {
    int64_t count = CountAt(counts, level);
    absl::StrAppend(html, "<tr><th><span class=\"level ", LevelSlug(level),
                    "\">", LevelName(level),
                    "</span></th><td class=\"num\" id=\"", prefix, "-",
                    LevelSlug(level), "\">", count, "</td><td class=\"num\">",
                    Percent(count, prescriptions), "</td></tr>\n");
  }
  absl::StrAppend(html, "</tbody>\n</table>\n</section>\n");
}

void RenderCountTable(absl::string_view id, absl::string_view title,
                      absl::string_view note, absl::string_view column,
                      const std::map<std::string, int64_t>& counts,
                      int64_t prescriptions, bool chart, std::string* html) {
  absl::StrAppend(html, "<section id=\"", id, "\">\n<h2>", title, "</h2>\n",
                  "<p class=\"note\">", note, "</p>\n");
  if (counts.empty()) {
    absl::StrAppend(html,
                    "<p class=\"empty\">No prescription was flagged.</p>\n"
                    "</section>\n");
    return;
  }
  std::vector<std::pair<std::string, int64_t>> top =
      TopCounts(counts, kReportTableRows);
  if (chart) {
    std::vector<Bar> bars;
    for (const auto& [name, count] : top) bars.push_back({name, count, ""});
    absl::StrAppend(html, BarChart(title, bars));
  }
  absl::StrAppend(
      html, "<table>\n<thead><tr><th class=\"num\">#</th><th>", column,
      "</th><th class=\"num\">Flagged prescriptions</th>"
      "<th class=\"num\">Share of all</th></tr></thead>\n<tbody>\n");
  int rank = 0;
  for (const auto& [name, count] : top) {
    absl::StrAppend(html, "<tr><td class=\"num\">", ++rank, "</td><td>",
                    Escape(name), "</td><td class=\"num\">", count,
                    "</td><td class=\"num\">", Percent(count, prescriptions),
                    "</td></tr>\n");
  }
  absl::StrAppend(html, "</tbody>\n</table>\n");
  if (counts.size() > top.size()) {
    absl::StrAppend(html, "<p class=\"note\">", counts.size() - top.size(),
                    " more not shown.</p>\n");
  }
  absl::StrAppend(html, "</section>\n");
}

void RenderHighByAgeAndSex(const AuditSummary& summary, std::string* html) {
  absl::StrAppend(
      html,
      "<section id=\"high-by-age-sex\">\n<h2>HIGH flags by age band and "
      "sex</h2>\n<p class=\"note\">Prescriptions whose acute or tardive level "
      "is HIGH. Age as sent to the server.</p>\n<table>\n<thead><tr>"
      "<th>Age band</th>");
  for (absl::string_view sex : kSexes) {
    absl::StrAppend(html, "<th class=\"num\">", sex, "</th>");
  }
  absl::StrAppend(html, "<th class=\"num\">Total</th></tr></thead>\n<tbody>\n");
  // Ids like "high-65plus-female": the band and sex without characters that
  // need care in an id.
  auto slug = [](absl::string_view text) {
    if (text == "65+") return std::string("65plus");
    if (text == "other/unknown") return std::string("other");
    return std::string(text);
  };
  std::map<std::string, int64_t> column_totals;
  int64_t grand_total = 0;
  for (absl::string_view band : kAgeBands) {
    absl::StrAppend(html, "<tr><th>", band, "</th>");
    int64_t row_total = 0;
    for (absl::string_view sex : kSexes) {
      auto it = summary.high_by_age_and_sex.find(
          {std::string(band), std::string(sex)});
      int64_t count = it == summary.high_by_age_and_sex.end() ? 0 : it->second;
      row_total += count;
      column_totals[std::string(sex)] += count;
      absl::StrAppend(html, "<td class=\"num\" id=\"high-", slug(band), "-",
                      slug(sex), "\">", count, "</td>");
    }
    grand_total += row_total;
    absl::StrAppend(html, "<td class=\"num\">", row_total, "</td></tr>\n");
  }
  absl::StrAppend(html, "<tr><th>Total</th>");
  for (absl::string_view sex : kSexes) {
    absl::StrAppend(html, "<td class=\"num\">", column_totals[std::string(sex)],
                    "</td>");
  }
  absl::StrAppend(html, "<td class=\"num\" id=\"high-total\">", grand_total,
                  "</td></tr>\n</tbody>\n</table>\n</section>\n");
}

void RenderList(absl::string_view heading,
                const google::protobuf::RepeatedPtrField<std::string>& items,
                std::string* html) {
  if (items.empty()) return;
  absl::StrAppend(html, "<h4>", heading, "</h4>\n<ul>\n");
  for (const std::string& item : items) {
    absl::StrAppend(html, "<li>", Escape(item), "</li>\n");
  }
  absl::StrAppend(html, "</ul>\n");
}

// One source, once per prescription, with every part of it the findings
// rely on; `anchor` is what the findings' reference marks link to.
void RenderSource(const NumberedSources::Source& source,
                  absl::string_view anchor, std::string* html) {
  const v1::Citation& citation = *source.citation;
  absl::StrAppend(html, "<li class=\"citation\" id=\"", anchor, "\"><cite>",
                  Escape(citation.title()), "</cite>");
  for (size_t i = 0; i < source.sections.size(); ++i) {
    absl::StrAppend(html, i == 0 ? ", " : "; ", Escape(source.sections[i]));
  }
  if (!citation.publisher().empty()) {
    absl::StrAppend(html, ". ", Escape(citation.publisher()));
  }
  if (citation.year() > 0) absl::StrAppend(html, ", ", citation.year());
  absl::StrAppend(html, ".");
  if (!citation.url().empty()) {
    if (IsWebUrl(citation.url())) {
      absl::StrAppend(html, " <a href=\"", Escape(citation.url()),
                      "\" rel=\"noopener noreferrer\">", Escape(citation.url()),
                      "</a>");
    } else {
      absl::StrAppend(html, " ", Escape(citation.url()));
    }
  }
  absl::StrAppend(html, "</li>\n");
}

// "p3-s2": source 2 of the third prescription shown.
std::string SourceAnchor(int prescription, int number) {
  return absl::StrCat("p", prescription, "-s", number);
}

void RenderFinding(const v1::Finding& finding, const std::vector<int>& marks,
                   int prescription, std::string* html) {
  std::string slug = LevelSlug(finding.level());
  absl::StrAppend(html, "<div class=\"finding\">\n<h3><span class=\"level ",
                  slug, "\">", LevelName(finding.level()), "</span> ",
                  KindName(finding.kind()));
  if (finding.contraindicated()) {
    absl::StrAppend(html,
                    " <span class=\"contraindicated\">contraindicated"
                    "</span>");
  }
  absl::StrAppend(html, "</h3>\n<p class=\"summary\">",
                  Escape(finding.summary()));
  if (!marks.empty()) {
    absl::StrAppend(html, " <span class=\"refs\">");
    for (int number : marks) {
      absl::StrAppend(html, "<a href=\"#", SourceAnchor(prescription, number),
                      "\">[", number, "]</a>");
    }
    absl::StrAppend(html, "</span>");
  }
  absl::StrAppend(html, "</p>\n");
  if (!finding.detail().empty()) {
    absl::StrAppend(html, "<p class=\"detail\">", Escape(finding.detail()),
                    "</p>\n");
  }
  RenderList("Factors", finding.factors(), html);
  RenderList("Recommendations", finding.recommendations(), html);
  absl::StrAppend(html, "</div>\n");
}

void RenderTopFlagged(const AuditSummary& summary, std::string* html) {
  absl::StrAppend(
      html,
      "<section id=\"top-flagged\">\n<h2>Most serious flagged prescriptions"
      "</h2>\n<p class=\"note\">Prescriptions with a MODERATE or HIGH level, "
      "highest level first, then most findings, then input order.</p>\n");
  if (summary.top_flagged.empty()) {
    absl::StrAppend(html,
                    "<p class=\"empty\">No prescription was flagged.</p>\n"
                    "</section>\n");
    return;
  }
  int shown = 0;
  for (const FlaggedPrescription& flagged : summary.top_flagged) {
    const v1::CheckResponse& response = flagged.response;
    v1::RiskLevel acute = response.acute_dystonia().level();
    v1::RiskLevel tardive = response.tardive_dyskinesia().level();
    absl::StrAppend(
        html,
        "<article class=\"prescription\">\n<h3>Prescription "
        "<span class=\"prescription-id\">",
        Escape(flagged.prescription_id), "</span></h3>\n<p>Age ",
        absl::StrFormat("%g", flagged.age_years), ", sex ",
        SexName(flagged.sex), ". Acute dystonia: <span class=\"level ",
        LevelSlug(acute), "\">", LevelName(acute),
        "</span>; tardive: <span class=\"level ", LevelSlug(tardive), "\">",
        LevelName(tardive), "</span>.</p>\n<p>Medications as written: ");
    for (size_t i = 0; i < flagged.medications.size(); ++i) {
      absl::StrAppend(html, i == 0 ? "" : "; ", "<span class=\"medication\">",
                      Escape(flagged.medications[i]), "</span>");
    }
    absl::StrAppend(html, "</p>\n");
    for (const v1::UnrecognizedMedication& unrecognized :
         response.unrecognized()) {
      absl::StrAppend(html, "<p class=\"note\">Not recognized: ",
                      Escape(unrecognized.name()));
      if (!unrecognized.suggestions().empty()) {
        absl::StrAppend(html, " (did you mean ");
        for (int i = 0; i < unrecognized.suggestions_size(); ++i) {
          absl::StrAppend(html, i == 0 ? "" : ", ",
                          Escape(unrecognized.suggestions(i)));
        }
        absl::StrAppend(html, "?)");
      }
      absl::StrAppend(html, "</p>\n");
    }
    // Each source once per prescription, after its findings; a finding
    // names its sources by number.
    ++shown;
    const NumberedSources numbered = NumberSources(response);
    for (int i = 0; i < response.findings_size(); ++i) {
      RenderFinding(response.findings(i), numbered.references[i], shown, html);
    }
    if (!numbered.sources.empty()) {
      absl::StrAppend(html, "<h4>Sources</h4>\n<ol class=\"sources\">\n");
      for (size_t n = 0; n < numbered.sources.size(); ++n) {
        RenderSource(numbered.sources[n], SourceAnchor(shown, n + 1), html);
      }
      absl::StrAppend(html, "</ol>\n");
    }
    absl::StrAppend(html, "</article>\n");
  }
  absl::StrAppend(html, "</section>\n");
}

void RenderUnrecognized(const AuditSummary& summary, std::string* html) {
  absl::StrAppend(
      html,
      "<section id=\"unrecognized\">\n<h2>Unrecognized names: what to add to "
      "the knowledge base</h2>\n<p class=\"note\">Medication names the "
      "server did not recognize, as written in the input, most frequent "
      "first. Each is a misspelling to correct at the source or a name, "
      "brand or product to add to the knowledge base.</p>\n");
  if (summary.unrecognized_names.empty()) {
    absl::StrAppend(html,
                    "<p class=\"empty\">Every medication name was "
                    "recognized.</p>\n</section>\n");
    return;
  }
  absl::StrAppend(html,
                  "<table>\n<thead><tr><th class=\"num\">#</th><th>Name as "
                  "written</th><th>Did you mean</th><th class=\"num\">Times"
                  "</th></tr></thead>\n<tbody>\n");
  int rank = 0;
  for (const auto& [name, count] : summary.unrecognized_names) {
    std::vector<std::string> suggestions;
    if (auto it = summary.unrecognized_suggestions.find(name);
        it != summary.unrecognized_suggestions.end()) {
      for (const std::string& suggestion : it->second) {
        suggestions.push_back(Escape(suggestion));
      }
    }
    absl::StrAppend(html, "<tr><td class=\"num\">", ++rank,
                    "</td><td class=\"unrecognized-name\">", Escape(name),
                    "</td><td class=\"suggestions\">",
                    absl::StrJoin(suggestions, ", "), "</td><td class=\"num\">",
                    count, "</td></tr>\n");
  }
  absl::StrAppend(html, "</tbody>\n</table>\n</section>\n");
}

}  // namespace

std::string RenderReportHtml(const AuditSummary& summary) {
  const AuditRunInfo& run = summary.run;
  std::string html;
  absl::StrAppend(
      &html,
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      // The report is self-contained: the browser fetches nothing for it and
      // runs no script, whatever a name in the input says.
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
      "'none'; style-src 'unsafe-inline'\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, "
      "initial-scale=1\">\n<title>Dystonia risk audit: ",
      Escape(run.input_name), "</title>\n<style>", kStyle,
      "</style>\n</head>\n<body>\n<header>\n<h1>Drug-induced dystonia risk "
      "audit</h1>\n<p class=\"subtitle\">",
      Escape(run.input_name), " \u2014 ", Escape(run.started_at),
      "</p>\n</header>\n");
  if (!run.complete) {
    absl::StrAppend(
        &html,
        "<div id=\"incomplete-banner\" class=\"banner\" role=\"alert\">"
        "<strong>INCOMPLETE</strong><br>This run stopped before the end of "
        "the input: <span id=\"incomplete-reason\">",
        Escape(run.incomplete_reason),
        "</span>. Every number below covers only the rows read before it "
        "stopped.</div>\n");
  }
  RenderRunInfo(summary, &html);
  RenderTotals(summary, &html);
  RenderLevels("acute-levels", "Acute dystonia: prescriptions by level",
               summary.by_acute_level, summary.prescriptions, &html);
  RenderLevels("tardive-levels",
               "Tardive dyskinesia / dystonia: prescriptions by level",
               summary.by_tardive_level, summary.prescriptions, &html);
  RenderCountTable(
      "flagged-drugs", "Drugs behind the flags",
      "Prescriptions with a MODERATE or HIGH finding naming the drug (once "
      "per prescription).",
      "Drug", summary.flagged_drugs, summary.prescriptions, /*chart=*/true,
      &html);
  RenderCountTable(
      "flagged-classes", "Drug classes behind the flags",
      "Prescriptions with a MODERATE or HIGH finding naming a drug of the "
      "class (once per prescription).",
      "Class", summary.flagged_classes, summary.prescriptions,
      /*chart=*/false, &html);
  RenderHighByAgeAndSex(summary, &html);
  RenderTopFlagged(summary, &html);
  RenderUnrecognized(summary, &html);
  absl::StrAppend(
      &html,
      "<footer>Made by dystonia-audit. The risk levels are the dystonia-risk "
      "server's judgement (knowledge base ",
      Escape(summary.knowledge_base_version),
      "); this report only counts its answers. It contains what the input "
      "file contained: keep it where the input file is kept.</footer>\n"
      "</body>\n</html>\n");
  return html;
}

}  // namespace dystonia::audit
