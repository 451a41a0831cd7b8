// The pages a drug page links to: its classes, the conditions, the
// citations with the claims resting on each, and the changes page.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "drug_db/site/html_escape.h"
#include "drug_db/site/site_pages.h"

namespace dystonia::site {
namespace {

constexpr absl::string_view kRoot = "../";

std::string CitationList(const SiteContext& context,
                         const google::protobuf::RepeatedPtrField<std::string>&
                             ids) {
  if (ids.empty()) return "<p>None.</p>";
  std::string items;
  for (const auto& id : ids) absl::StrAppend(&items, CitationListItem(context, id));
  return absl::StrCat("<ol>", items, "</ol>");
}

}  // namespace

std::string RenderClassPage(const SiteContext& context,
                            const v1::DrugClass& drug_class) {
  std::vector<std::string> roles;
  for (int role : drug_class.roles())
    roles.push_back(ClassRoleLabel(static_cast<v1::ClassRole>(role)));
  std::string members;
  for (const auto& drug : context.bundle.drug()) {
    if (InClass(drug, drug_class.id())) {
      absl::StrAppend(&members, "<li>", DrugLink(context, kRoot, drug.id()),
                      "</li>");
    }
  }
  std::string body = absl::StrCat(
      "<h1>", EscapeHtml(drug_class.name()), "</h1><p>",
      EscapeHtml(drug_class.description()), "</p><dl><dt>Id</dt><dd><code>",
      EscapeHtml(drug_class.id()), "</code></dd><dt>Roles</dt><dd>",
      roles.empty() ? "—" : EscapeHtml(absl::StrJoin(roles, ", ")),
      "</dd><dt>ATC prefixes</dt><dd>", JoinEscaped(drug_class.atc_prefixes()),
      "</dd></dl><h2>Drugs</h2><ul>",
      members.empty() ? "<li>none</li>" : members, "</ul><h2>Citations</h2>",
      CitationList(context, drug_class.citation_ids()));
  return RenderPage(context, drug_class.name(), kRoot, body);
}

std::string RenderConditionPage(const SiteContext& context,
                                const v1::ClinicalCondition& condition) {
  std::string codes;
  for (const auto& code : condition.codes()) {
    absl::StrAppend(&codes, "<tr><td>", EscapeHtml(code.system()),
                    "</td><td><code>", EscapeHtml(code.code()),
                    code.prefix() ? " (and below)" : "", "</code></td><td>",
                    EscapeHtml(code.display()), "</td><td>",
                    VerifiedInHtml(code.verified_in()), "</td></tr>");
  }
  std::string cautions;
  for (const auto& caution : context.bundle.caution()) {
    for (const auto& id : caution.condition_ids()) {
      if (id != condition.id()) continue;
      absl::StrAppend(
          &cautions, "<li>",
          caution.contraindicated() ? "<strong>Contraindicated</strong>"
                                    : "Caution",
          " for ", ScopeHtml(context, kRoot, caution.drugs()), " (",
          EscapeHtml(caution.jurisdiction()), "): ",
          EscapeHtml(caution.statement()), "</li>");
      break;
    }
  }
  std::string modifiers;
  for (const auto& modifier : context.bundle.modifier()) {
    for (const auto& id : modifier.condition().patient_condition_ids()) {
      if (id != condition.id()) continue;
      absl::StrAppend(&modifiers, "<li>",
                      EscapeHtml(SyndromeLabel(modifier.syndrome())), ": ",
                      EscapeHtml(modifier.factor()), " (",
                      modifier.steps() >= 0 ? "+" : "", modifier.steps(),
                      ") for ", ScopeHtml(context, kRoot, modifier.scope()),
                      "</li>");
      break;
    }
  }
  std::string body = absl::StrCat(
      "<h1>", EscapeHtml(condition.name()), "</h1><p>",
      EscapeHtml(condition.note()), "</p><dl><dt>Id</dt><dd><code>",
      EscapeHtml(condition.id()), "</code></dd><dt>Other names</dt><dd>",
      JoinEscaped(condition.synonyms()), "</dd></dl><h2>Codes</h2>",
      codes.empty()
          ? "<p>None.</p>"
          : absl::StrCat("<table><thead><tr><th>System</th><th>Code</th>"
                         "<th>Display</th><th>Verified in</th></tr></thead>"
                         "<tbody>",
                         codes, "</tbody></table>"),
      "<h2>Contraindications and cautions</h2>",
      cautions.empty() ? "<p>None.</p>"
                       : absl::StrCat("<ul>", cautions, "</ul>"),
      "<h2>Modifiers</h2>",
      modifiers.empty() ? "<p>None.</p>"
                        : absl::StrCat("<ul>", modifiers, "</ul>"),
      "<h2>Citations</h2>", CitationList(context, condition.citation_ids()));
  return RenderPage(context, condition.name(), kRoot, body);
}

std::string RenderCitationsPage(const SiteContext& context) {
  std::string items;
  for (const auto& citation : context.bundle.citation()) {
    absl::StrAppend(&items, CitationItem(citation));
    auto uses = context.citation_uses.find(citation.id());
    if (uses == context.citation_uses.end()) {
      absl::StrAppend(&items, "<p class=\"uses\">No claim rests on it.</p>");
    } else {
      absl::StrAppend(&items, "<ul class=\"uses\">");
      for (const CitationUse& use : uses->second) {
        absl::StrAppend(&items, "<li>", Link("", use.href, use.label),
                        "</li>");
      }
      absl::StrAppend(&items, "</ul>");
    }
    absl::StrAppend(&items, "</li>");
  }
  return RenderPage(
      context, "Citations", "",
      absl::StrCat("<h1>Citations</h1><p>Every source of this version and "
                   "the claims resting on it.</p><ol id=\"all-citations\">",
                   items, "</ol>"));
}

std::string RenderChangesPage(const SiteContext& context,
                              absl::string_view changes_html) {
  return RenderPage(
      context, "Changes", "",
      absl::StrCat("<h1>Changes</h1>",
                   changes_html.empty()
                       ? "<p id=\"no-changes\">There is no earlier version to "
                         "compare this one with.</p>"
                       : std::string(changes_html)));
}

}  // namespace dystonia::site
