// index.html: what a committee sees first.
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "drug_db/site/html_escape.h"
#include "drug_db/site/site_assets.h"
#include "drug_db/site/site_pages.h"

namespace dystonia::site {
namespace {

// The clinical model in brief, paraphrasing service/engine/CLINICAL_MODEL.md
// sections 1-4 (keep in step with it).
constexpr absl::string_view kClinicalModel = R"html(
<h2>The clinical model in brief</h2>
<p>The service judges two drug-induced syndromes on two clocks.
<strong>Acute dystonia</strong> (sustained muscle contractions such as
oculogyric crisis, torticollis or trismus) follows the first doses of a
dopamine blocker or a dose increase, about 90 % within four days; a new or
recently raised medication is judged within a 7-day window.
<strong>Tardive syndromes</strong> (tardive dyskinesia and dystonia) follow
months to years of exposure; the full tier applies from 90 days on therapy
(30 days at age 60 or over) and one step lower before that, never below LOW.</p>
<p>Each drug carries an acute and a tardive tier (NONE &lt; LOW &lt; MODERATE
&lt; HIGH), each with its evidence level, citations and a note; a route
liability replaces the default for one route (parenteral haloperidol, depot
forms). Modifiers move a tier up: patient factors (young men for acute
dystonia, older adults and women for tardive, risk-factor conditions),
context (parenteral route, dose above a label threshold, a second dopamine
blocker, exposure-raising interactions) and the patient's own history of a
drug-induced movement disorder. A near-placebo agent's tier is not lifted
above LOW by patient factors. Anticholinergic prophylaxis lowers the acute
judgement. Contraindications and cautions from labels and guidelines are
reported as findings of their own, before the rest.</p>
)html";

}  // namespace

std::string RenderIndexPage(const SiteContext& context) {
  const v1::KnowledgeBundle& bundle = context.bundle;
  const v1::KnowledgeManifest& manifest = bundle.manifest();
  std::string body = absl::StrCat(
      "<h1>", EscapeHtml(manifest.title().empty() ? "Knowledge base"
                                                  : manifest.title()),
      "</h1><p>Version <strong id=\"version\">",
      EscapeHtml(context.info.version()), "</strong>");
  if (!context.info.origin().empty())
    absl::StrAppend(&body, " (", EscapeHtml(context.info.origin()), ")");
  if (!manifest.rxnorm_release().empty())
    absl::StrAppend(&body, ", RxNorm release ",
                    EscapeHtml(manifest.rxnorm_release()));
  absl::StrAppend(&body, "</p>");
  if (!manifest.description().empty())
    absl::StrAppend(&body, "<p>", EscapeHtml(manifest.description()), "</p>");

  const std::pair<const char*, int> counts[] = {
      {"drugs", bundle.drug_size()},
      {"classes", bundle.drug_class_size()},
      {"conditions", bundle.condition_size()},
      {"citations", bundle.citation_size()},
      {"modifiers", bundle.modifier_size()},
      {"interactions", bundle.interaction_size()},
      {"cautions", bundle.caution_size()},
      {"recommendations", bundle.recommendation_size()}};
  absl::StrAppend(&body, "<ul class=\"counts\">");
  for (const auto& [name, count] : counts) {
    absl::StrAppend(&body, "<li><span id=\"count-", name, "\">", count,
                    "</span> ", name, "</li>");
  }
  absl::StrAppend(&body, "</ul>");

  std::map<std::string, int> by_kind;
  for (const auto& citation : bundle.citation())
    ++by_kind[CitationKindLabel(citation.kind())];
  absl::StrAppend(&body, "<h2>Sources by kind</h2><ul>");
  for (const auto& [kind, count] : by_kind) {
    absl::StrAppend(&body, "<li>", EscapeHtml(kind), ": <span id=\"sources-",
                    IdToFileStem(kind), "\">", count, "</span></li>");
  }
  absl::StrAppend(
      &body, "</ul>", kClinicalModel,
      "<h2>Search</h2><p><input id=\"search\" type=\"search\" size=\"40\" "
      "placeholder=\"name, brand, RxCUI, NDC or ATC code\" "
      "aria-label=\"Search drugs\"></p><ul id=\"search-results\"></ul>"
      "<p><a href=\"citations.html\">All citations</a> · <a "
      "href=\"changes.html\">Changes against the previous version</a>");
  // The "check a patient" page, once it is embedded (DYSTONIA_SITE_ASSETS).
  for (const auto& [path, bytes] : EmbeddedSiteAssets()) {
    if (path == "check.html") {
      absl::StrAppend(&body, " · <a href=\"check.html\">Check a patient</a>");
    }
  }
  absl::StrAppend(&body, "</p><h2>Drugs by class</h2>");

  for (const auto& drug_class : bundle.drug_class()) {
    std::string members;
    for (const auto& drug : bundle.drug()) {
      if (InClass(drug, drug_class.id())) {
        absl::StrAppend(&members, "<li>", DrugLink(context, "", drug.id()),
                        "</li>");
      }
    }
    absl::StrAppend(&body, "<h3>", ClassLink(context, "", drug_class.id()),
                    "</h3><ul class=\"drugs\">",
                    members.empty() ? "<li>no drugs</li>" : members, "</ul>");
  }
  std::string unclassed;
  for (const auto& drug : bundle.drug()) {
    if (drug.class_ids().empty())
      absl::StrAppend(&unclassed, "<li>", DrugLink(context, "", drug.id()),
                      "</li>");
  }
  if (!unclassed.empty()) {
    absl::StrAppend(&body, "<h3>In no class</h3><ul class=\"drugs\">",
                    unclassed, "</ul>");
  }
  absl::StrAppend(&body, "<h2>Conditions</h2><ul>");
  for (const auto& condition : bundle.condition()) {
    absl::StrAppend(&body, "<li>", ConditionLink(context, "", condition.id()),
                    "</li>");
  }
  absl::StrAppend(&body,
                  "</ul><script src=\"search-index.js\"></script>"
                  "<script src=\"search.js\"></script>");
  return RenderPage(context, "Index", "", body);
}

}  // namespace dystonia::site
