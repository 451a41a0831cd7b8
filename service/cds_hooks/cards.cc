#include "service/cds_hooks/cards.h"

#include <algorithm>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "proto/views/finding_citations.h"
#include "service/cds_hooks/card_problems.h"
#include "service/cds_hooks/card_text.h"
#include "service/cds_hooks/json_value.h"
#include "service/cds_hooks/override_reasons.h"
#include "service/engine/utf8_text.h"

namespace dystonia::cds_hooks {
namespace {

using json::Put;
using json::Value;

constexpr char kRuleSystem[] = "urn:dystonia-risk:rule";
// What a card's detail shows of a finding; the rest is behind its links.
constexpr int kCardRecommendations = 2;
constexpr int kCardSources = 3;
constexpr int kCardLinks = 5;

std::string NewCardUuid() {
  static absl::Mutex mu(absl::kConstInit);
  static absl::BitGen* gen = new absl::BitGen();
  absl::MutexLock lock(&mu);
  const uint64_t high = absl::Uniform<uint64_t>(*gen);
  const uint64_t low = absl::Uniform<uint64_t>(*gen);
  // Version 4 (random), variant 1.
  return absl::StrFormat(
      "%08x-%04x-4%03x-%04x-%012x", high >> 32, (high >> 16) & 0xffff,
      high & 0x0fff, 0x8000 | ((low >> 48) & 0x3fff), low & 0xffffffffffffULL);
}

// A card's detail is read in the middle of ordering: what the risk is, what
// raised it, what to do first and where the evidence is. The rest (every
// recommendation and source) is behind the card's links and GetDrug. Every
// piece of knowledge-base or request text is escaped (card_text.h); only the
// headings and list dashes written here are markdown.
std::string MarkdownDetail(const v1::Finding& finding,
                           const std::vector<const v1::Finding*>& same_problem,
                           const std::vector<const v1::Citation*>& sources,
                           const std::vector<std::string>& notes) {
  std::string detail = EscapeCardText(
      finding.detail().empty() ? finding.summary() : finding.detail());
  if (!same_problem.empty()) {
    absl::StrAppend(&detail, "\n\n**Also found for**\n");
    for (const v1::Finding* other : same_problem)
      absl::StrAppend(&detail, "\n- ", EscapeCardText(other->summary()));
  }
  if (!finding.factors().empty()) {
    absl::StrAppend(&detail, "\n\n**What raised it**\n");
    for (const std::string& factor : finding.factors())
      absl::StrAppend(&detail, "\n- ", EscapeCardText(factor));
  }
  const int recommendations = finding.recommendations_size();
  if (recommendations > 0) {
    absl::StrAppend(&detail, "\n\n**What to do**\n");
    for (int i = 0; i < std::min(recommendations, kCardRecommendations); ++i)
      absl::StrAppend(&detail, "\n- ",
                      EscapeCardText(finding.recommendations(i)));
    if (recommendations > kCardRecommendations) {
      absl::StrAppend(&detail, "\n- (", recommendations - kCardRecommendations,
                      " more in the knowledge base's entry for this drug)");
    }
  }
  const int citations = static_cast<int>(sources.size());
  if (citations > 0) {
    absl::StrAppend(&detail, "\n\n**Evidence**\n");
    for (int i = 0; i < std::min(citations, kCardSources); ++i) {
      const v1::Citation& citation = *sources[i];
      absl::StrAppend(&detail, "\n- ", BoundedCardText(citation.title(), 120));
      std::vector<std::string> origin;
      if (!citation.publisher().empty())
        origin.push_back(BoundedCardText(citation.publisher(), 60));
      if (citation.year() > 0) origin.push_back(absl::StrCat(citation.year()));
      if (!origin.empty())
        absl::StrAppend(&detail, " (", absl::StrJoin(origin, ", "), ")");
    }
    if (citations > kCardSources) {
      absl::StrAppend(&detail, "\n- (and ", citations - kCardSources,
                      " more sources)");
    }
  }
  for (const std::string& note : notes)
    absl::StrAppend(&detail, "\n\n_", EscapeCardText(note), "_");
  return detail;
}

// `label` is escaped here; the caller drops a link whose url is not safe
// (IsSafeCardUrl).
Value Link(const std::string& label, const std::string& url) {
  Value link;
  Put(&link, "label", BoundedCardText(label, 120));
  Put(&link, "url", url);
  Put(&link, "type", std::string("absolute"));
  return link;
}

Value OverrideReasons() {
  Value list;
  for (const OverrideReason& offered : OfferedOverrideReasons()) {
    Value reason;
    Put(&reason, "code", std::string(offered.code));
    Put(&reason, "system", std::string(kOverrideReasonSystem));
    Put(&reason, "display", std::string(offered.display));
    list.push_back(std::move(reason));
  }
  return list;
}

// `url`, when given, is the page about the knowledge base: where a
// clinician learns more about the evidence behind the card. It is left out
// unless it is an http(s) address (IsSafeCardUrl).
Value Source(const std::string& rule_id, const std::string& display,
             const std::string& url = "") {
  Value source;
  Value* object = &source;
  Put(object, "label",
      std::string("dystonia-risk drug-induced dystonia check"));
  if (IsSafeCardUrl(url)) Put(object, "url", url);
  Value topic;
  Put(&topic, "system", std::string(kRuleSystem));
  Put(&topic, "code", rule_id);
  Put(&topic, "display", display);  // an enum name, ours
  Put(object, "topic", std::move(topic));
  return source;
}

// `summary` is plain text, escaped and cut here; `detail` is markdown whose
// pieces the caller escaped.
Value Card(const std::string& uuid, const std::string& summary,
           const std::string& indicator, const std::string& detail,
           Value source, Value links) {
  Value card;
  Value* object = &card;
  Put(object, "uuid", uuid);
  // CDS Hooks: "<140-character summary".
  Put(object, "summary",
      BoundedCardText(summary, kMaxCardSummaryCharacters - 1));
  Put(object, "indicator", indicator);
  std::string short_detail = detail;
  TruncateUtf8(&short_detail, kMaxCardDetailCharacters);
  Put(object, "detail", short_detail);
  Put(object, "source", std::move(source));
  if (!links.empty())
    Put(object, "links", std::move(links));
  Put(object, "overrideReasons", OverrideReasons());
  return card;
}

}  // namespace

Value BuildCards(const HookCall& call, const std::string& service_id,
                 bool order_select, const v1::CheckResponse& response,
                 const v1::CheckResponse* older, absl::Time now,
                 std::vector<v1::CardIssue>* issues,
                 const std::string& source_url) {
  Value cards = Value::array();
  const int64_t issued = absl::ToUnixSeconds(now);
  auto issue = [&](const std::string& uuid, const std::string& rule_id) {
    v1::CardIssue record;
    record.set_card_uuid(uuid);
    record.set_service_id(service_id);
    record.set_rule_id(rule_id);
    record.set_issued_unix_seconds(issued);
    issues->push_back(std::move(record));
  };
  std::vector<std::string> notes = call.notes;
  if (response.unrecognized_conditions_size() > 0) {
    std::vector<std::string> texts;
    for (const v1::UnrecognizedCondition& unrecognized :
         response.unrecognized_conditions()) {
      texts.push_back(unrecognized.text());
    }
    notes.push_back(absl::StrCat(
        "Not taken into account (condition not recognized): ",
        absl::StrJoin(texts, "; "), "."));
  }
  for (const CardProblem& problem :
       CardProblems(call, order_select, response, older)) {
    const v1::Finding* finding = problem.finding;
    const v1::CheckResponse* answer = problem.answer;
    // The finding's sources with an address, its own first; then the page
    // with every recommendation and source behind the card.
    Value links;
    const bool knowledge_link = IsSafeCardUrl(source_url);
    const int citation_links = knowledge_link ? kCardLinks - 1 : kCardLinks;
    const std::vector<const v1::Citation*> sources =
        FindingCitations(*answer, *finding);
    for (const v1::Citation* source : sources) {
      const v1::Citation& citation = *source;
      if (!IsSafeCardUrl(citation.url()) ||
          static_cast<int>(links.size()) >= citation_links) {
        continue;  // no address, or one that is not http(s): not a link
      }
      links.push_back(Link(citation.title(), citation.url()));
    }
    if (knowledge_link) {
      links.push_back(Link(
          "All recommendations and sources (dystonia-risk knowledge base)",
          source_url));
    }
    const std::string uuid = NewCardUuid();
    cards.push_back(
        Card(uuid, finding->summary(), std::string(problem.indicator),
             MarkdownDetail(*finding, problem.same_problem, sources, notes),
             Source(finding->id(), v1::Finding::Kind_Name(finding->kind()),
                    source_url),
             std::move(links)));
    issue(uuid, finding->id());
  }
  if (response.unrecognized_size() > 0 || !call.not_judged.empty()) {
    std::vector<std::string> names;
    std::string detail =
        "These orders were not checked, so no dystonia judgement covers "
        "them:\n";
    for (const v1::UnrecognizedMedication& unrecognized :
         response.unrecognized()) {
      names.push_back(unrecognized.name());
      absl::StrAppend(&detail, "\n- ", EscapeCardText(unrecognized.name()),
                      ": not recognized");
      if (!unrecognized.suggestions().empty()) {
        absl::StrAppend(
            &detail, " (did you mean ",
            EscapeCardText(absl::StrJoin(unrecognized.suggestions(), ", ")),
            "?)");
      }
    }
    for (const std::string& not_judged : call.not_judged) {
      names.push_back(not_judged.substr(0, not_judged.find(':')));
      absl::StrAppend(&detail, "\n- ", EscapeCardText(not_judged));
    }
    const std::string uuid = NewCardUuid();
    cards.push_back(
        Card(uuid,
             absl::StrCat("Not checked for dystonia risk: ",
                          absl::StrJoin(names, ", ")),
             "info", detail,
             Source("unrecognized-medications", "UNRECOGNIZED"), Value()));
    issue(uuid, "unrecognized-medications");
  }
  Value body;
  Put(&body, "cards", std::move(cards));
  return body;
}

}  // namespace dystonia::cds_hooks
