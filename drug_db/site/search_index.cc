// search-index.js: a script setting a global, not a JSON file, because a
// page opened from file:// may not fetch() its neighbours.
#include "absl/strings/str_cat.h"
#include "drug_db/site/html_escape.h"
#include "drug_db/site/site_pages.h"

namespace dystonia::site {

std::string RenderSearchIndexJs(const SiteContext& context) {
  std::string rows;
  auto add = [&rows](absl::string_view term, absl::string_view kind,
                     const v1::Drug& drug) {
    absl::StrAppend(&rows, "[", JsStringLiteral(term), ",",
                    JsStringLiteral(kind), ",", JsStringLiteral(drug.name()),
                    ",", JsStringLiteral(DrugPath(drug.id())), "],\n");
  };
  for (const auto& drug : context.bundle.drug()) {
    add(drug.name(), "name", drug);
    if (drug.id() != drug.name()) add(drug.id(), "id", drug);
    for (const auto& synonym : drug.synonyms()) add(synonym, "synonym", drug);
    for (const auto& brand : drug.brands()) add(brand, "brand", drug);
    for (const auto& form : drug.forms()) add(form.name(), "form", drug);
    for (const auto& rxcui : drug.rxcuis()) add(rxcui, "RxNorm RxCUI", drug);
    for (const auto& atc : drug.atc_codes()) add(atc, "ATC", drug);
    for (const auto& product : drug.products()) {
      add(product.code(),
          product.system() == v1::ProductCode::NDC ? "NDC" : "RxNorm product",
          drug);
    }
  }
  return absl::StrCat("window.KB_SEARCH_INDEX = [\n", rows, "];\n");
}

}  // namespace dystonia::site
