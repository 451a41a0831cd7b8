#include "drug_db/rxnorm_release.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <tuple>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace dystonia {
namespace {

// Column positions of the RRF files (RxNorm technical documentation).
constexpr int kConsoRxcui = 0, kConsoSab = 11, kConsoTty = 12, kConsoStr = 14,
              kConsoSuppress = 16, kConsoColumns = 18;
constexpr int kRelRxcui1 = 0, kRelRxcui2 = 4, kRelRela = 7, kRelSab = 10,
              kRelColumns = 16;
constexpr int kSatRxcui = 0, kSatAtn = 8, kSatSab = 9, kSatAtv = 10,
              kSatSuppress = 11, kSatColumns = 13;

// Relationships read from a product toward its parts: a row
// "RXCUI1|...|RXCUI2|...|RELA" says RXCUI2 RELA RXCUI1.
const absl::flat_hash_set<std::string>& DownwardRelations() {
  static const auto* relations = new absl::flat_hash_set<std::string>{
      "has_ingredient", "has_ingredients", "consists_of", "tradename_of",
      "contains",       "has_part",        "form_of",     "has_precise_ingredient",
      "isa"};
  return *relations;
}

bool IsProductType(const std::string& tty) {
  static const auto* types = new absl::flat_hash_set<std::string>{
      "SCD", "SBD", "GPCK", "BPCK", "SCDF", "SBDF", "SCDC", "SBDC",
      "BN",  "MIN", "PIN",  "SCDG", "SBDG"};
  return types->contains(tty);
}

// The route a product's dose form implies, from the words of its name.
v1::Route RouteOfDoseForm(absl::string_view name) {
  if (absl::StrContains(name, "Extended-Release Injectable Suspension")) {
    return v1::ROUTE_LONG_ACTING_INJECTABLE;
  }
  if (absl::StrContains(name, "Rectal")) return v1::ROUTE_RECTAL;
  if (absl::StrContains(name, "Transdermal")) return v1::ROUTE_TRANSDERMAL;
  if (absl::StrContains(name, "Sublingual")) return v1::ROUTE_SUBLINGUAL;
  if (absl::StrContains(name, "Oral")) return v1::ROUTE_ORAL;
  return v1::ROUTE_UNSPECIFIED;
}

// Calls `row` with the fields of each line of `dir`/`file`; stops at the
// first error it returns.
absl::Status ForEachRow(
    const std::string& dir, const std::string& file, size_t columns,
    const std::function<absl::Status(const std::vector<absl::string_view>&)>&
        row) {
  const std::string path = (std::filesystem::path(dir) / file).string();
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<absl::string_view> fields = absl::StrSplit(line, '|');
    if (fields.size() < columns) {
      return absl::InvalidArgumentError(
          absl::StrCat(file, ":", number, ": ", fields.size(),
                       " fields, expected ", columns));
    }
    absl::Status status = row(fields);
    if (!status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(file, ":", number, ": ", status.message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RxNormProducts> ReadRxNormRelease(
    const std::string& rrf_dir, const v1::KnowledgeBundle& bundle,
    const RxNormReadOptions& options) {
  struct Concept {
    std::string tty;
    std::string name;
  };
  absl::flat_hash_map<std::string, Concept> concepts;
  absl::Status status = ForEachRow(
      rrf_dir, "RXNCONSO.RRF", kConsoColumns,
      [&](const std::vector<absl::string_view>& f) {
        if (f[kConsoSab] != "RXNORM" || f[kConsoSuppress] == "Y") {
          return absl::OkStatus();
        }
        Concept& concept = concepts[std::string(f[kConsoRxcui])];
        // Several atoms per concept: the product's own term type wins.
        if (concept.tty.empty() || IsProductType(std::string(f[kConsoTty])) ||
            f[kConsoTty] == "IN") {
          concept.tty = std::string(f[kConsoTty]);
          concept.name = std::string(f[kConsoStr]);
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;

  absl::flat_hash_map<std::string, std::vector<std::string>> parts;
  status = ForEachRow(rrf_dir, "RXNREL.RRF", kRelColumns,
                      [&](const std::vector<absl::string_view>& f) {
                        if (f[kRelSab] != "RXNORM" ||
                            !DownwardRelations().contains(f[kRelRela])) {
                          return absl::OkStatus();
                        }
                        parts[std::string(f[kRelRxcui2])].push_back(
                            std::string(f[kRelRxcui1]));
                        return absl::OkStatus();
                      });
  if (!status.ok()) return status;

  absl::flat_hash_map<std::string, std::vector<std::string>> ndcs;
  status = ForEachRow(rrf_dir, "RXNSAT.RRF", kSatColumns,
                      [&](const std::vector<absl::string_view>& f) {
                        if (f[kSatAtn] == "NDC" && f[kSatSab] == "RXNORM" &&
                            f[kSatSuppress] != "Y" && f[kSatAtv].size() == 11) {
                          ndcs[std::string(f[kSatRxcui])].push_back(
                              std::string(f[kSatAtv]));
                        }
                        return absl::OkStatus();
                      });
  if (!status.ok()) return status;

  // Ingredient RxCUI -> drug id; a set of ingredient drug ids -> the
  // combination drug made of exactly them.
  absl::flat_hash_map<std::string, std::string> drug_of_ingredient;
  std::map<std::set<std::string>, std::string> combination_of;
  for (const v1::Drug& drug : bundle.drug()) {
    for (const std::string& rxcui : drug.rxcuis()) {
      drug_of_ingredient.emplace(rxcui, drug.id());
    }
    if (drug.ingredient_ids_size() > 0) {
      combination_of.emplace(std::set<std::string>(drug.ingredient_ids().begin(),
                                                   drug.ingredient_ids().end()),
                             drug.id());
    }
  }

  RxNormProducts products;
  products.release = options.release.empty()
                         ? std::filesystem::path(rrf_dir).filename().string()
                         : options.release;
  if (products.release.empty()) {
    products.release =
        std::filesystem::path(rrf_dir).parent_path().filename().string();
  }
  for (const auto& [rxcui, concept] : concepts) {
    if (!IsProductType(concept.tty)) continue;
    ++products.products_read;
    // Walk down to the ingredients (bounded: RxNorm's hierarchy is shallow).
    std::set<std::string> ingredients;
    std::vector<std::string> frontier = {rxcui};
    absl::flat_hash_set<std::string> seen = {rxcui};
    for (int depth = 0; depth < 6 && !frontier.empty(); ++depth) {
      std::vector<std::string> next;
      for (const std::string& current : frontier) {
        auto it = parts.find(current);
        if (it == parts.end()) continue;
        for (const std::string& part : it->second) {
          if (!seen.insert(part).second) continue;
          auto known = concepts.find(part);
          if (known != concepts.end() && known->second.tty == "IN") {
            ingredients.insert(part);
          } else {
            next.push_back(part);
          }
        }
      }
      frontier = std::move(next);
    }
    std::set<std::string> drug_ids;
    bool all_known = !ingredients.empty();
    for (const std::string& ingredient : ingredients) {
      auto drug = drug_of_ingredient.find(ingredient);
      if (drug == drug_of_ingredient.end()) {
        all_known = false;
        break;
      }
      drug_ids.insert(drug->second);
    }
    std::string drug_id;
    if (all_known && drug_ids.size() == 1) {
      drug_id = *drug_ids.begin();
    } else if (all_known) {
      auto combination = combination_of.find(drug_ids);
      if (combination != combination_of.end()) drug_id = combination->second;
    }
    if (drug_id.empty()) {
      ++products.products_left_out;
      continue;
    }
    v1::ProductCode code;
    code.set_system(v1::ProductCode::RXNORM);
    code.set_code(rxcui);
    code.set_term_type(concept.tty);
    code.set_name(concept.name);
    code.set_route(RouteOfDoseForm(concept.name));
    products.codes.emplace_back(drug_id, code);
    for (const std::string& ndc : ndcs[rxcui]) {
      v1::ProductCode by_ndc = code;
      by_ndc.set_system(v1::ProductCode::NDC);
      by_ndc.set_code(ndc);
      by_ndc.clear_term_type();
      products.codes.emplace_back(drug_id, std::move(by_ndc));
    }
  }
  // Deterministic order: by drug, then system and code.
  std::sort(products.codes.begin(), products.codes.end(),
            [](const auto& a, const auto& b) {
              return std::make_tuple(a.first, a.second.system(), a.second.code()) <
                     std::make_tuple(b.first, b.second.system(), b.second.code());
            });
  return products;
}

int ApplyRxNormProducts(const RxNormProducts& products,
                        v1::KnowledgeBundle* bundle) {
  absl::flat_hash_set<std::string> claimed;
  absl::flat_hash_map<std::string, v1::Drug*> drugs;
  for (v1::Drug& drug : *bundle->mutable_drug()) {
    drugs[drug.id()] = &drug;
    for (const std::string& rxcui : drug.rxcuis()) {
      claimed.insert(absl::StrCat("rxcui:", rxcui));
    }
    for (const v1::ProductCode& code : drug.products()) {
      claimed.insert(absl::StrCat(
          code.system() == v1::ProductCode::RXNORM ? "rxcui:" : "ndc:",
          code.code()));
    }
  }
  int added = 0;
  for (const auto& [drug_id, code] : products.codes) {
    auto drug = drugs.find(drug_id);
    if (drug == drugs.end()) continue;
    const std::string key = absl::StrCat(
        code.system() == v1::ProductCode::RXNORM ? "rxcui:" : "ndc:",
        code.code());
    if (!claimed.insert(key).second) continue;
    *drug->second->add_products() = code;
    ++added;
  }
  bundle->mutable_manifest()->set_rxnorm_release(products.release);
  return added;
}

}  // namespace dystonia
