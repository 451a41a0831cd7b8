#include "proto/vocabulary/phenotype_words.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace dystonia {

using Phenotype = v1::PharmacogenomicResult::Phenotype;

std::string NormalizeGeneSymbol(absl::string_view gene) {
  std::string out;
  out.reserve(gene.size());
  for (char c : gene) {
    if (c != ' ')
      out.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

bool IsWellFormedGeneSymbol(absl::string_view gene) {
  if (gene.empty() || gene.size() > 20 || !absl::ascii_isupper(gene[0])) {
    return false;
  }
  for (char c : gene) {
    if (!absl::ascii_isupper(c) && !absl::ascii_isdigit(c) && c != '-') {
      return false;
    }
  }
  return true;
}

absl::string_view PhenotypeWord(Phenotype phenotype) {
  switch (phenotype) {
    case v1::PharmacogenomicResult::POOR:
      return "poor";
    case v1::PharmacogenomicResult::INTERMEDIATE:
      return "intermediate";
    case v1::PharmacogenomicResult::NORMAL:
      return "normal";
    case v1::PharmacogenomicResult::RAPID:
      return "rapid";
    case v1::PharmacogenomicResult::ULTRARAPID:
      return "ultrarapid";
    case v1::PharmacogenomicResult::INDETERMINATE:
      return "indeterminate";
    default:
      return "unspecified";
  }
}

std::string PhenotypeResultText(absl::string_view gene, Phenotype phenotype) {
  // A laboratory that could not call a phenotype reports no metabolizer.
  if (phenotype == v1::PharmacogenomicResult::INDETERMINATE ||
      phenotype == v1::PharmacogenomicResult::PHENOTYPE_UNSPECIFIED) {
    return absl::StrCat(gene, " ", PhenotypeWord(phenotype), " phenotype");
  }
  return absl::StrCat(gene, " ", PhenotypeWord(phenotype), " metabolizer");
}

std::string PhenotypeTriggerText(const v1::PhenotypeTrigger& trigger) {
  std::vector<absl::string_view> words;
  for (int phenotype : trigger.phenotypes()) {
    words.push_back(PhenotypeWord(static_cast<Phenotype>(phenotype)));
  }
  return absl::StrCat("in a ", trigger.gene(), " ",
                      absl::StrJoin(words, " or "), " metabolizer");
}

}  // namespace dystonia
