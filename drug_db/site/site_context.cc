#include "drug_db/site/site_context.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "drug_db/site/html_escape.h"

namespace dystonia::site {
namespace {

// "RISK_LEVEL_HIGH" with prefix "RISK_LEVEL_" -> "high" (spaces for '_').
std::string EnumWords(const std::string& name, absl::string_view prefix) {
  absl::string_view words = name;
  absl::ConsumePrefix(&words, prefix);
  return absl::AsciiStrToLower(absl::StrReplaceAll(words, {{"_", " "}}));
}

void AddUses(SiteContext& context,
             const google::protobuf::RepeatedPtrField<std::string>& ids,
             const std::string& href, const std::string& label) {
  for (const std::string& id : ids) {
    context.citation_uses[id].push_back({href, label});
  }
}

void AddLiabilityUses(SiteContext& context, const v1::Drug& drug,
                      const v1::Liability& liability, absl::string_view what) {
  AddUses(context, liability.citation_ids(), DrugPath(drug.id()),
          absl::StrCat(drug.name(), ": ", what));
}

}  // namespace

SiteContext::SiteContext(const v1::KnowledgeBundle& bundle,
                         const v1::KnowledgeVersionInfo& info)
    : bundle(bundle), info(info) {
  for (const auto& drug : bundle.drug()) drugs[drug.id()] = &drug;
  for (const auto& drug_class : bundle.drug_class())
    classes[drug_class.id()] = &drug_class;
  for (const auto& condition : bundle.condition())
    conditions[condition.id()] = &condition;
  for (const auto& citation : bundle.citation())
    citations[citation.id()] = &citation;

  for (const auto& drug : bundle.drug()) {
    AddLiabilityUses(*this, drug, drug.acute(), "acute liability");
    AddLiabilityUses(*this, drug, drug.tardive(), "tardive liability");
    for (const auto& route : drug.route_liabilities()) {
      const std::string route_name = RouteLabel(route.route());
      AddLiabilityUses(*this, drug, route.acute(),
                       absl::StrCat("acute liability, ", route_name));
      AddLiabilityUses(*this, drug, route.tardive(),
                       absl::StrCat("tardive liability, ", route_name));
    }
    for (const auto& threshold : drug.dose_thresholds()) {
      AddUses(*this, threshold.citation_ids(), DrugPath(drug.id()),
              absl::StrCat(drug.name(), ": dose threshold"));
    }
  }
  for (const auto& drug_class : bundle.drug_class()) {
    AddUses(*this, drug_class.citation_ids(), ClassPath(drug_class.id()),
            absl::StrCat("class ", drug_class.name()));
  }
  for (const auto& condition : bundle.condition()) {
    AddUses(*this, condition.citation_ids(), ConditionPath(condition.id()),
            absl::StrCat("condition ", condition.name()));
  }
  // Rules apply to many drugs: each claim links to the drugs in its scope.
  auto add_rule = [this](const google::protobuf::RepeatedPtrField<std::string>&
                             ids,
                         const v1::Scope& scope, const std::string& what) {
    for (const auto& drug : this->bundle.drug()) {
      if (InScope(scope, drug)) {
        AddUses(*this, ids, DrugPath(drug.id()),
                absl::StrCat(drug.name(), ": ", what));
      }
    }
  };
  for (const auto& modifier : bundle.modifier()) {
    add_rule(modifier.citation_ids(), modifier.scope(),
             absl::StrCat("modifier ", modifier.id()));
  }
  for (const auto& interaction : bundle.interaction()) {
    add_rule(interaction.citation_ids(), interaction.substrate(),
             absl::StrCat("interaction ", interaction.id()));
  }
  for (const auto& caution : bundle.caution()) {
    add_rule(caution.citation_ids(), caution.drugs(),
             absl::StrCat("caution ", caution.id()));
  }
  for (const auto& recommendation : bundle.recommendation()) {
    add_rule(recommendation.citation_ids(), recommendation.scope(),
             absl::StrCat("recommendation ", recommendation.id()));
  }
}

std::string DrugPath(absl::string_view drug_id) {
  return absl::StrCat("drugs/", IdToFileStem(drug_id), ".html");
}
std::string ClassPath(absl::string_view class_id) {
  return absl::StrCat("classes/", IdToFileStem(class_id), ".html");
}
std::string ConditionPath(absl::string_view condition_id) {
  return absl::StrCat("conditions/", IdToFileStem(condition_id), ".html");
}
std::string CitationAnchor(absl::string_view citation_id) {
  return absl::StrCat("citations.html#c-", IdToFileStem(citation_id));
}

std::string Link(absl::string_view root, absl::string_view path,
                 absl::string_view text) {
  return absl::StrCat("<a href=\"", EscapeHtml(root), EscapeHtml(path), "\">",
                      EscapeHtml(text), "</a>");
}

std::string VerifiedInHtml(absl::string_view verified_in) {
  if (verified_in.empty()) return "<em>not recorded</em>";
  std::string html = "<span class=\"verified-in\">";
  bool first = true;
  for (absl::string_view word : absl::StrSplit(verified_in, ' ')) {
    if (!first) html += ' ';
    first = false;
    const std::string href = SafeHttpHref(word);
    if (href.empty()) {
      html += EscapeHtml(word);
    } else {
      absl::StrAppend(&html, "<a class=\"source\" href=\"", href, "\">",
                      EscapeHtml(word), "</a>");
    }
  }
  return html + "</span>";
}

std::string DrugLink(const SiteContext& context, absl::string_view root,
                     absl::string_view drug_id) {
  auto found = context.drugs.find(std::string(drug_id));
  if (found == context.drugs.end()) return EscapeHtml(drug_id);
  return Link(root, DrugPath(drug_id), found->second->name());
}

std::string ClassLink(const SiteContext& context, absl::string_view root,
                      absl::string_view class_id) {
  auto found = context.classes.find(std::string(class_id));
  if (found == context.classes.end()) return EscapeHtml(class_id);
  return Link(root, ClassPath(class_id), found->second->name());
}

std::string ConditionLink(const SiteContext& context, absl::string_view root,
                          absl::string_view condition_id) {
  auto found = context.conditions.find(std::string(condition_id));
  if (found == context.conditions.end()) return EscapeHtml(condition_id);
  return Link(root, ConditionPath(condition_id), found->second->name());
}

std::string LevelLabel(v1::RiskLevel level) {
  if (level == v1::RISK_LEVEL_UNSPECIFIED) return "not set";
  return absl::AsciiStrToUpper(
      EnumWords(v1::RiskLevel_Name(level), "RISK_LEVEL_"));
}
std::string EvidenceLabel(v1::EvidenceLevel evidence) {
  if (evidence == v1::EVIDENCE_LEVEL_UNSPECIFIED) return "not set";
  return EnumWords(v1::EvidenceLevel_Name(evidence), "EVIDENCE_LEVEL_");
}
std::string RouteLabel(v1::Route route) {
  if (route == v1::ROUTE_UNSPECIFIED) return "any route";
  return EnumWords(v1::Route_Name(route), "ROUTE_");
}
std::string SyndromeLabel(v1::Syndrome syndrome) {
  switch (syndrome) {
    case v1::SYNDROME_ACUTE_DYSTONIA: return "acute dystonia";
    case v1::SYNDROME_TARDIVE: return "tardive";
    default: return "any syndrome";
  }
}
std::string CitationKindLabel(v1::Citation::Kind kind) {
  if (kind == v1::Citation::KIND_UNSPECIFIED) return "unspecified";
  return EnumWords(v1::Citation::Kind_Name(kind), "");
}
std::string ClassRoleLabel(v1::ClassRole role) {
  return EnumWords(v1::ClassRole_Name(role), "CLASS_ROLE_");
}

bool InScope(const v1::Scope& scope, const v1::Drug& drug) {
  if (scope.class_ids().empty() && scope.drug_ids().empty()) return true;
  for (const auto& id : scope.drug_ids()) {
    if (id == drug.id()) return true;
  }
  for (const auto& class_id : scope.class_ids()) {
    if (InClass(drug, class_id)) return true;
  }
  return false;
}

std::string ScopeHtml(const SiteContext& context, absl::string_view root,
                      const v1::Scope& scope) {
  if (scope.class_ids().empty() && scope.drug_ids().empty()) {
    return "every drug";
  }
  std::vector<std::string> parts;
  for (const auto& id : scope.class_ids()) {
    parts.push_back(absl::StrCat("class ", ClassLink(context, root, id)));
  }
  for (const auto& id : scope.drug_ids()) {
    parts.push_back(DrugLink(context, root, id));
  }
  return absl::StrJoin(parts, ", ");
}

std::string CitationRefs(
    absl::string_view root,
    const google::protobuf::RepeatedPtrField<std::string>& ids) {
  if (ids.empty()) return "—";
  std::vector<std::string> links;
  for (const auto& id : ids) {
    links.push_back(Link(root, CitationAnchor(id), id));
  }
  return absl::StrJoin(links, ", ");
}

std::string CitationItem(const v1::Citation& citation) {
  std::string item = absl::StrCat("<li id=\"c-", IdToFileStem(citation.id()),
                                  "\"><span class=\"kind\">",
                                  EscapeHtml(CitationKindLabel(citation.kind())),
                                  "</span> <strong>",
                                  EscapeHtml(citation.title()), "</strong>");
  if (!citation.section().empty())
    absl::StrAppend(&item, ". ", EscapeHtml(citation.section()));
  if (!citation.publisher().empty())
    absl::StrAppend(&item, ". ", EscapeHtml(citation.publisher()));
  if (citation.year() > 0) absl::StrAppend(&item, ", ", citation.year());
  absl::StrAppend(&item, ". <code>", EscapeHtml(citation.id()), "</code>");
  if (!citation.pmid().empty())
    absl::StrAppend(&item, " PMID ", EscapeHtml(citation.pmid()));
  if (!citation.doi().empty())
    absl::StrAppend(&item, " DOI ", EscapeHtml(citation.doi()));
  if (!citation.set_id().empty())
    absl::StrAppend(&item, " set id ", EscapeHtml(citation.set_id()));
  if (!citation.regulator_document().empty())
    absl::StrAppend(&item, " ", EscapeHtml(citation.regulator_document()));
  if (!citation.revision_date().empty())
    absl::StrAppend(&item, " (revised ", EscapeHtml(citation.revision_date()),
                    ")");
  const std::string href = SafeHttpHref(citation.url());
  if (!href.empty()) {
    absl::StrAppend(&item, " <a class=\"source\" rel=\"noopener noreferrer\" href=\"",
                    href, "\">", href, "</a>");
  } else if (!citation.url().empty()) {
    absl::StrAppend(&item, " ", EscapeHtml(citation.url()));
  }
  return item;  // the caller closes the <li>, after any backlinks
}

std::string CitationListItem(const SiteContext& context, absl::string_view id) {
  auto found = context.citations.find(std::string(id));
  if (found == context.citations.end()) {
    return absl::StrCat("<li><code>", EscapeHtml(id),
                        "</code> (not in this version)</li>");
  }
  return absl::StrCat(CitationItem(*found->second), "</li>");
}

bool InClass(const v1::Drug& drug, absl::string_view class_id) {
  return std::find(drug.class_ids().begin(), drug.class_ids().end(),
                   class_id) != drug.class_ids().end();
}

std::string JoinEscaped(
    const google::protobuf::RepeatedPtrField<std::string>& items) {
  if (items.empty()) return "—";
  std::vector<std::string> escaped;
  for (const auto& item : items) escaped.push_back(EscapeHtml(item));
  return absl::StrJoin(escaped, ", ");
}

std::string RenderPage(const SiteContext& context, absl::string_view title,
                       absl::string_view root, absl::string_view body_html) {
  return absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>",
      EscapeHtml(title), " — dystonia-risk knowledge ",
      EscapeHtml(context.info.version()),
      "</title><link rel=\"stylesheet\" href=\"", EscapeHtml(root),
      "site.css\"></head>\n<body><nav>", Link(root, "index.html", "Index"),
      " · ", Link(root, "citations.html", "Citations"), " · ",
      Link(root, "changes.html", "Changes"),
      " <span class=\"version\">version <span id=\"kb-version\">",
      EscapeHtml(context.info.version()), "</span></span></nav>\n<main>",
      body_html, "</main></body></html>\n");
}

}  // namespace dystonia::site
