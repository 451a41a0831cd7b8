#include "drug_db/name_index.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "drug_db/name_normalizer.h"

namespace dystonia {
namespace {

void AddName(std::vector<std::pair<std::string, v1::NameIndexEntry>>* index,
             std::string key, const std::string& drug_id,
             v1::NameIndexEntry::Kind kind, const std::string& display,
             v1::Route route = v1::ROUTE_UNSPECIFIED) {
  if (key.empty()) return;
  v1::NameIndexEntry entry;
  entry.set_drug_id(drug_id);
  entry.set_kind(kind);
  entry.set_display(display);
  entry.set_route(route);
  index->emplace_back(std::move(key), std::move(entry));
}

}  // namespace

std::vector<std::pair<std::string, v1::NameIndexEntry>> BuildNameIndex(
    const v1::KnowledgeBundle& bundle) {
  std::vector<std::pair<std::string, v1::NameIndexEntry>> index;
  for (const v1::Drug& drug : bundle.drug()) {
    AddName(&index, NormalizeName(drug.name()), drug.id(),
            v1::NameIndexEntry::NAME, drug.name());
    for (const std::string& synonym : drug.synonyms()) {
      AddName(&index, NormalizeName(synonym), drug.id(),
              v1::NameIndexEntry::SYNONYM, synonym);
    }
    for (const std::string& brand : drug.brands()) {
      AddName(&index, NormalizeName(brand), drug.id(),
              v1::NameIndexEntry::BRAND, brand);
    }
    for (const v1::FormName& form : drug.forms()) {
      AddName(&index, NormalizeName(form.name()), drug.id(),
              v1::NameIndexEntry::FORM, form.name(), form.route());
    }
    for (const std::string& rxcui : drug.rxcuis()) {
      AddName(&index, absl::StrCat("rxcui:", rxcui), drug.id(),
              v1::NameIndexEntry::RXCUI, rxcui);
    }
    for (const std::string& atc : drug.atc_codes()) {
      AddName(&index, absl::StrCat("atc:", atc), drug.id(),
              v1::NameIndexEntry::ATC_CODE, atc);
    }
    for (const v1::ProductCode& product : drug.products()) {
      const bool rxnorm = product.system() == v1::ProductCode::RXNORM;
      AddName(&index,
              absl::StrCat(rxnorm ? "rxcui:" : "ndc:", product.code()),
              drug.id(),
              rxnorm ? v1::NameIndexEntry::RXNORM_PRODUCT
                     : v1::NameIndexEntry::NDC,
              product.name().empty() ? product.code() : product.name(),
              product.route());
    }
  }
  // Stable: a drug's own name wins over a later synonym of the same key.
  std::stable_sort(index.begin(), index.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  index.erase(std::unique(index.begin(), index.end(),
                          [](const auto& a, const auto& b) {
                            return a.first == b.first;
                          }),
              index.end());
  return index;
}

}  // namespace dystonia
