#include "service/cds_hooks/fhir_genomics.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "proto/vocabulary/phenotype_words.h"

namespace dystonia::cds_hooks {
namespace {

using json::Elements;
using json::Get;
using json::Text;
using json::Value;
using Phenotype = v1::PharmacogenomicResult::Phenotype;

constexpr char kLoinc[] = "http://loinc.org";
// LOINC "Gene studied [ID]".
constexpr char kGeneStudied[] = "48018-6";

bool IsCurrent(const Value& observation) {
  const std::string status = Text(Get(observation, "status"));
  return status == "final" || status == "amended" || status == "corrected";
}

bool HasCoding(const Value* concept, absl::string_view system,
               absl::string_view code) {
  if (concept == nullptr) return false;
  for (const Value* coding : Elements(Get(*concept, "coding"))) {
    if (Text(Get(*coding, "system")) == system &&
        Text(Get(*coding, "code")) == code) {
      return true;
    }
  }
  return false;
}

// The phenotype a CodeableConcept states: by its LOINC answer, else by the
// answer's name in a display or the text (an EHR that sends words only).
std::optional<Phenotype> PhenotypeOf(const Value* concept) {
  if (concept == nullptr) return std::nullopt;
  for (const PhenotypeAnswer& answer : kPhenotypeAnswers) {
    if (HasCoding(concept, kLoinc, answer.loinc)) return answer.phenotype;
  }
  std::vector<std::string> words;
  for (const Value* coding : Elements(Get(*concept, "coding"))) {
    words.push_back(Text(Get(*coding, "display")));
  }
  words.push_back(Text(Get(*concept, "text")));
  for (const std::string& word : words) {
    for (const PhenotypeAnswer& answer : kPhenotypeAnswers) {
      if (absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(word),
                                 answer.display)) {
        return answer.phenotype;
      }
    }
  }
  return std::nullopt;
}

// The phenotypes an Observation states, in its value or its components.
std::vector<Phenotype> PhenotypesOf(const Value& observation) {
  std::vector<Phenotype> found;
  auto add = [&found](const Value* concept) {
    std::optional<Phenotype> phenotype = PhenotypeOf(concept);
    if (phenotype.has_value() &&
        std::find(found.begin(), found.end(), *phenotype) == found.end()) {
      found.push_back(*phenotype);
    }
  };
  add(Get(observation, "valueCodeableConcept"));
  for (const Value* component : Elements(Get(observation, "component"))) {
    add(Get(*component, "valueCodeableConcept"));
  }
  return found;
}

// The HGNC symbol of an Observation's gene-studied component: its coding's
// display, else its text (a symbol is short: anything longer is not one).
std::string GeneStudiedOf(const Value& observation) {
  for (const Value* component : Elements(Get(observation, "component"))) {
    if (!HasCoding(Get(*component, "code"), kLoinc, kGeneStudied)) continue;
    const Value* value = Get(*component, "valueCodeableConcept");
    if (value == nullptr) continue;
    std::vector<std::string> candidates;
    for (const Value* coding : Elements(Get(*value, "coding"))) {
      candidates.push_back(Text(Get(*coding, "display")));
    }
    candidates.push_back(Text(Get(*value, "text")));
    for (const std::string& candidate : candidates) {
      if (candidate.size() > 40) continue;
      std::string gene = NormalizeGeneSymbol(candidate);
      if (IsWellFormedGeneSymbol(gene)) return gene;
    }
  }
  return "";
}

std::string Reference(const Value& observation) {
  return absl::StrCat("Observation/", Text(Get(observation, "id")));
}

}  // namespace

GenomicResults PharmacogenomicsFrom(const std::vector<const Value*>& resources,
                                    const std::vector<Referable>& everything,
                                    int max_results) {
  GenomicResults read;
  // Per gene, every phenotype the record states for it.
  std::vector<std::pair<std::string, std::vector<Phenotype>>> by_gene;
  for (const Value* resource : resources) {
    if (Text(Get(*resource, "resourceType")) != "Observation" ||
        !IsCurrent(*resource)) {
      continue;
    }
    const std::vector<Phenotype> phenotypes = PhenotypesOf(*resource);
    if (phenotypes.empty())
      continue;  // a genotype, a variant: read via derivedFrom
    std::string gene = GeneStudiedOf(*resource);
    for (const Value* derived : Elements(Get(*resource, "derivedFrom"))) {
      if (!gene.empty()) break;
      const Value* source =
          ResolveReference(*resource, Text(Get(*derived, "reference")),
                           everything, "Observation");
      if (source != nullptr) gene = GeneStudiedOf(*source);
    }
    if (gene.empty()) {
      read.notes.push_back(absl::StrCat(
          Reference(*resource),
          ": a metabolizer phenotype without its gene (no gene-studied "
          "component on it or on the genotype it is derived from): not "
          "used."));
      continue;
    }
    auto at =
        std::find_if(by_gene.begin(), by_gene.end(),
                     [&gene](const auto& had) { return had.first == gene; });
    if (at == by_gene.end()) {
      by_gene.emplace_back(std::move(gene), std::vector<Phenotype>());
      at = by_gene.end() - 1;
    }
    for (Phenotype phenotype : phenotypes) {
      if (std::find(at->second.begin(), at->second.end(), phenotype) ==
          at->second.end()) {
        at->second.push_back(phenotype);
      }
    }
  }
  for (const auto& [gene, phenotypes] : by_gene) {
    if (phenotypes.size() > 1) {
      std::vector<std::string> words;
      for (Phenotype phenotype : phenotypes) {
        words.emplace_back(PhenotypeWord(phenotype));
      }
      read.notes.push_back(absl::StrCat(
          "The record's ", gene, " results disagree (",
          absl::StrJoin(words, ", "), "): none of them was used."));
      continue;
    }
    if (static_cast<int>(read.results.size()) >= max_results) {
      read.notes.push_back(absl::StrCat("Only the first ", max_results,
                                        " genes' phenotypes were read."));
      break;
    }
    v1::PharmacogenomicResult& result = read.results.emplace_back();
    result.set_gene(gene);
    result.set_phenotype(phenotypes[0]);
  }
  return read;
}

}  // namespace dystonia::cds_hooks
