#ifndef DYSTONIA_PROTO_VOCABULARY_PHENOTYPE_WORDS_H_
#define DYSTONIA_PROTO_VOCABULARY_PHENOTYPE_WORDS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "dystonia/v1/common.pb.h"
#include "dystonia/v1/knowledge.pb.h"

namespace dystonia {

// Folds a gene symbol as a record may write it to its HGNC form: spaces
// dropped, upper case (" cyp2d6 " -> "CYP2D6").
std::string NormalizeGeneSymbol(absl::string_view gene);

// True for a well-formed HGNC gene symbol as NormalizeGeneSymbol writes it:
// an upper-case letter, then up to 19 upper-case letters, digits or '-'
// ("CYP2D6", "HLA-B").
bool IsWellFormedGeneSymbol(absl::string_view gene);

// How a metabolizer phenotype is said to a prescriber, the one wording for
// findings, cards, reports and the knowledge browser: "poor", "ultrarapid",
// "indeterminate"; "unspecified" for the zero value or an undefined number.
absl::string_view PhenotypeWord(v1::PharmacogenomicResult::Phenotype phenotype);

// "CYP2D6 poor metabolizer"; "CYP2D6 indeterminate phenotype".
std::string PhenotypeResultText(absl::string_view gene,
                                v1::PharmacogenomicResult::Phenotype phenotype);

// A trigger as a clause: "in a CYP2D6 poor or intermediate metabolizer".
std::string PhenotypeTriggerText(const v1::PhenotypeTrigger& trigger);

}  // namespace dystonia

#endif  // DYSTONIA_PROTO_VOCABULARY_PHENOTYPE_WORDS_H_
