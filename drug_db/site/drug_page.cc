// One drug: names and codes, its tiers per route with the evidence behind
// each, and every rule and citation that applies to it.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "drug_db/site/html_escape.h"
#include "drug_db/site/site_pages.h"
#include "proto/vocabulary/phenotype_words.h"

namespace dystonia::site {
namespace {

constexpr absl::string_view kRoot = "../";

using Ids = google::protobuf::RepeatedPtrField<std::string>;

void Collect(const Ids& ids, std::vector<std::string>& cited) {
  for (const auto& id : ids) {
    if (std::find(cited.begin(), cited.end(), id) == cited.end())
      cited.push_back(id);
  }
}

std::string Flags(const v1::Liability& liability) {
  std::vector<std::string> flags;
  if (liability.patient_factors_capped())
    flags.push_back("patient factors capped at LOW");
  if (liability.route_effect_included())
    flags.push_back("route effect included");
  return absl::StrJoin(flags, "; ");
}

// One row of the tiers table; an unset route liability says it follows the
// drug's default.
std::string TierRow(absl::string_view route, absl::string_view syndrome,
                    const v1::Liability& liability, bool is_route_override) {
  if (is_route_override && liability.level() == v1::RISK_LEVEL_UNSPECIFIED) {
    return absl::StrCat("<tr><td>", EscapeHtml(route), "</td><td>",
                        EscapeHtml(syndrome),
                        "</td><td colspan=\"4\">same as the default</td></tr>");
  }
  const std::string level = LevelLabel(liability.level());
  return absl::StrCat(
      "<tr class=\"tier\"><td>", EscapeHtml(route), "</td><td>",
      EscapeHtml(syndrome), "</td><td><span class=\"level level-",
      EscapeHtml(level), "\">", EscapeHtml(level), "</span></td><td>",
      EscapeHtml(EvidenceLabel(liability.evidence())), "</td><td>",
      EscapeHtml(liability.note()),
      liability.note().empty() || Flags(liability).empty() ? "" : " ",
      Flags(liability).empty()
          ? ""
          : absl::StrCat("<em>(", EscapeHtml(Flags(liability)), ")</em>"),
      "</td><td>", CitationRefs(kRoot, liability.citation_ids()),
      "</td></tr>");
}

std::string TiersSection(const v1::Drug& drug,
                         std::vector<std::string>& cited) {
  if (!drug.ingredient_ids().empty()) {
    return "<p>A combination product carries no liability of its own: each "
           "ingredient is judged as if ordered alone.</p>";
  }
  std::string rows = absl::StrCat(
      TierRow("default (every route)", "acute dystonia", drug.acute(), false),
      TierRow("default (every route)", "tardive", drug.tardive(), false));
  Collect(drug.acute().citation_ids(), cited);
  Collect(drug.tardive().citation_ids(), cited);
  for (const auto& route : drug.route_liabilities()) {
    const std::string name = RouteLabel(route.route());
    absl::StrAppend(&rows, TierRow(name, "acute dystonia", route.acute(), true),
                    TierRow(name, "tardive", route.tardive(), true));
    Collect(route.acute().citation_ids(), cited);
    Collect(route.tardive().citation_ids(), cited);
  }
  return absl::StrCat(
      "<table id=\"tiers\"><thead><tr><th>Route</th><th>Syndrome</th>"
      "<th>Tier</th><th>Evidence</th><th>Note</th><th>Citations</th></tr>"
      "</thead><tbody>",
      rows, "</tbody></table>");
}

std::string CodesSection(const v1::Drug& drug) {
  absl::flat_hash_map<std::string, std::string> verified_in;
  for (const auto& source : drug.code_sources()) {
    verified_in.emplace(source.code(), source.verified_in());
  }
  auto source_of = [&verified_in](const std::string& code) {
    auto found = verified_in.find(code);
    return VerifiedInHtml(found == verified_in.end() ? "" : found->second);
  };
  std::string rows;
  for (const auto& rxcui : drug.rxcuis()) {
    absl::StrAppend(&rows, "<tr><td>RxNorm ingredient (RxCUI)</td><td><code>",
                    EscapeHtml(rxcui), "</code></td><td></td><td>",
                    source_of(rxcui), "</td></tr>");
  }
  for (const auto& atc : drug.atc_codes()) {
    absl::StrAppend(&rows, "<tr><td>WHO ATC</td><td><code>", EscapeHtml(atc),
                    "</code></td><td></td><td>", source_of(atc), "</td></tr>");
  }
  for (const auto& product : drug.products()) {
    const bool ndc = product.system() == v1::ProductCode::NDC;
    std::string about = EscapeHtml(product.name());
    if (!product.term_type().empty())
      absl::StrAppend(&about, " (", EscapeHtml(product.term_type()), ")");
    if (product.route() != v1::ROUTE_UNSPECIFIED)
      absl::StrAppend(&about, "; implies ",
                      EscapeHtml(RouteLabel(product.route())));
    absl::StrAppend(&rows, "<tr><td>", ndc ? "NDC" : "RxNorm product (RxCUI)",
                    "</td><td><code>", EscapeHtml(product.code()),
                    "</code></td><td>", about, "</td><td>",
                    VerifiedInHtml(product.verified_in()), "</td></tr>");
  }
  if (rows.empty()) return "<p>No codes recorded.</p>";
  return absl::StrCat(
      "<table id=\"codes\"><thead><tr><th>System</th><th>Code</th>"
      "<th>Product</th><th>Verified in</th></tr></thead><tbody>",
      rows,
      "</tbody></table><p class=\"hint\">Every code was verified before it "
      "was entered, in the public source named beside it.</p>");
}

std::string ModifiersSection(const SiteContext& context, const v1::Drug& drug,
                             std::vector<std::string>& cited) {
  std::string rows;
  for (const auto& modifier : context.bundle.modifier()) {
    if (!InScope(modifier.scope(), drug)) continue;
    Collect(modifier.citation_ids(), cited);
    absl::StrAppend(
        &rows, "<tr><td>", EscapeHtml(SyndromeLabel(modifier.syndrome())),
        "</td><td>", EscapeHtml(modifier.factor()), "</td><td>",
        modifier.steps() >= 0 ? "+" : "", modifier.steps(), "</td><td>",
        EscapeHtml(absl::AsciiStrToLower(
            v1::RiskModifier::Kind_Name(modifier.kind()))),
        "</td><td>", CitationRefs(kRoot, modifier.citation_ids()),
        "</td></tr>");
  }
  if (rows.empty()) return "<p>None.</p>";
  return absl::StrCat(
      "<table><thead><tr><th>Syndrome</th><th>Factor</th><th>Steps</th>"
      "<th>Kind</th><th>Citations</th></tr></thead><tbody>",
      rows, "</tbody></table>");
}

std::string InteractionsSection(const SiteContext& context,
                                const v1::Drug& drug,
                                std::vector<std::string>& cited) {
  std::string items;
  for (const auto& interaction : context.bundle.interaction()) {
    const bool substrate = InScope(interaction.substrate(), drug);
    const bool perpetrator = InScope(interaction.perpetrator(), drug);
    if (!substrate && !perpetrator) continue;
    Collect(interaction.citation_ids(), cited);
    absl::StrAppend(
        &items, "<li>", EscapeHtml(interaction.mechanism()), ": ",
        ScopeHtml(context, kRoot, interaction.perpetrator()), " raises ",
        ScopeHtml(context, kRoot, interaction.substrate()), " — ",
        EscapeHtml(LevelLabel(interaction.level())),
        interaction.contraindicated() ? ", <strong>contraindicated</strong>"
                                      : "",
        ". ", EscapeHtml(interaction.advice()), " (",
        CitationRefs(kRoot, interaction.citation_ids()), ")</li>");
  }
  return items.empty() ? "<p>None.</p>" : absl::StrCat("<ul>", items, "</ul>");
}

std::string CautionsSection(const SiteContext& context, const v1::Drug& drug,
                            std::vector<std::string>& cited) {
  std::string items;
  for (const auto& caution : context.bundle.caution()) {
    if (!InScope(caution.drugs(), drug)) continue;
    Collect(caution.citation_ids(), cited);
    std::string trigger;
    if (!caution.condition_ids().empty()) {
      std::vector<std::string> links;
      for (const auto& id : caution.condition_ids())
        links.push_back(ConditionLink(context, kRoot, id));
      trigger = absl::StrCat("with ", absl::StrJoin(links, ", "));
    } else if (caution.below_age_years() > 0) {
      trigger = absl::StrCat("under ", caution.below_age_years(), " years");
    } else if (caution.has_phenotype()) {
      trigger = EscapeHtml(PhenotypeTriggerText(caution.phenotype()));
      const v1::Scope& co_medication = caution.co_medication();
      if (!co_medication.class_ids().empty() ||
          !co_medication.drug_ids().empty()) {
        absl::StrAppend(&trigger, " with ",
                        ScopeHtml(context, kRoot, co_medication));
      }
      if (caution.raises_exposure()) {
        absl::StrAppend(&trigger, ", whose exposure it raises");
      }
    } else {
      trigger = absl::StrCat("with ",
                             ScopeHtml(context, kRoot, caution.co_medication()));
    }
    absl::StrAppend(
        &items, "<li>",
        caution.contraindicated() ? "<strong>Contraindicated</strong>"
                                  : "Caution",
        " ", trigger, " — ", EscapeHtml(LevelLabel(caution.level())), " (",
        EscapeHtml(caution.jurisdiction()), " ",
        EscapeHtml(caution.label_section()), "). ",
        EscapeHtml(caution.statement()), " ", EscapeHtml(caution.advice()),
        " (", CitationRefs(kRoot, caution.citation_ids()), ")</li>");
  }
  return items.empty() ? "<p>None.</p>" : absl::StrCat("<ul>", items, "</ul>");
}

std::string RecommendationsSection(const SiteContext& context,
                                   const v1::Drug& drug,
                                   std::vector<std::string>& cited) {
  std::string items;
  for (const auto& recommendation : context.bundle.recommendation()) {
    if (!InScope(recommendation.scope(), drug)) continue;
    Collect(recommendation.citation_ids(), cited);
    absl::StrAppend(
        &items, "<li>", EscapeHtml(SyndromeLabel(recommendation.syndrome())),
        " at ", EscapeHtml(LevelLabel(recommendation.min_level())),
        " or above: ", EscapeHtml(recommendation.text()), " (",
        CitationRefs(kRoot, recommendation.citation_ids()), ")</li>");
  }
  return items.empty() ? "<p>None.</p>" : absl::StrCat("<ul>", items, "</ul>");
}

}  // namespace

std::string RenderDrugPage(const SiteContext& context, const v1::Drug& drug) {
  std::vector<std::string> cited;
  std::vector<std::string> classes;
  for (const auto& id : drug.class_ids())
    classes.push_back(ClassLink(context, kRoot, id));
  std::vector<std::string> forms;
  for (const auto& form : drug.forms()) {
    forms.push_back(absl::StrCat(EscapeHtml(form.name()), " (",
                                 EscapeHtml(RouteLabel(form.route())), ")"));
  }
  std::string body = absl::StrCat(
      "<h1 id=\"drug-name\">", EscapeHtml(drug.name()), "</h1><dl>",
      "<dt>Id</dt><dd><code>", EscapeHtml(drug.id()), "</code></dd>",
      "<dt>Other names</dt><dd>", JoinEscaped(drug.synonyms()), "</dd>",
      "<dt>Brands</dt><dd id=\"brands\">", JoinEscaped(drug.brands()), "</dd>",
      "<dt>Forms</dt><dd>", forms.empty() ? "—" : absl::StrJoin(forms, ", "),
      "</dd><dt>Classes</dt><dd>",
      classes.empty() ? "—" : absl::StrJoin(classes, ", "), "</dd>");
  if (!drug.ingredient_ids().empty()) {
    std::vector<std::string> ingredients;
    for (const auto& id : drug.ingredient_ids())
      ingredients.push_back(DrugLink(context, kRoot, id));
    absl::StrAppend(&body, "<dt>Ingredients</dt><dd>",
                    absl::StrJoin(ingredients, ", "), "</dd>");
  }
  absl::StrAppend(&body, "</dl><h2>Tiers</h2>", TiersSection(drug, cited),
                  "<h2>Codes</h2>", CodesSection(drug));
  if (!drug.dose_thresholds().empty()) {
    std::string items;
    for (const auto& threshold : drug.dose_thresholds()) {
      Collect(threshold.citation_ids(), cited);
      absl::StrAppend(&items, "<li>",
                      EscapeHtml(SyndromeLabel(threshold.syndrome())), ": ");
      if (threshold.daily_dose_mg() > 0)
        absl::StrAppend(&items, threshold.daily_dose_mg(), " mg/day ");
      if (threshold.daily_dose_mg_per_kg() > 0)
        absl::StrAppend(&items, threshold.daily_dose_mg_per_kg(),
                        " mg/kg/day ");
      absl::StrAppend(&items, "— ", EscapeHtml(threshold.note()), " (",
                      CitationRefs(kRoot, threshold.citation_ids()), ")</li>");
    }
    absl::StrAppend(&body, "<h2>Dose thresholds</h2><ul>", items, "</ul>");
  }
  absl::StrAppend(
      &body, "<h2>Modifiers that apply</h2>",
      ModifiersSection(context, drug, cited), "<h2>Interactions</h2>",
      InteractionsSection(context, drug, cited),
      "<h2>Contraindications and cautions</h2>",
      CautionsSection(context, drug, cited), "<h2>Recommendations</h2>",
      RecommendationsSection(context, drug, cited));
  if (!drug.remarks().empty()) {
    absl::StrAppend(&body, "<h2>Reviewer remarks</h2><p>",
                    EscapeHtml(drug.remarks()), "</p>");
  }
  std::string citations;
  for (const auto& id : cited) {
    absl::StrAppend(&citations, CitationListItem(context, id));
  }
  absl::StrAppend(&body, "<h2>Citations</h2><ol id=\"citations\">", citations,
                  "</ol>");
  return RenderPage(context, drug.name(), kRoot, body);
}

}  // namespace dystonia::site
