#ifndef DYSTONIA_CLIENTS_COMMON_PHENOTYPE_ARGUMENT_H_
#define DYSTONIA_CLIENTS_COMMON_PHENOTYPE_ARGUMENT_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "dystonia/v1/risk_service.pb.h"

namespace dystonia {

// Parses "GENE=PHENOTYPE" ("CYP2D6=poor", "cyp2c19=UM") into a
// pharmacogenomic result, as the command-line client and the audit files
// write it. GENE is the HGNC symbol (any case); PHENOTYPE is one of poor
// (pm), intermediate (im), normal (nm, extensive), rapid (rm), ultrarapid
// (um) or indeterminate. Returns kInvalidArgument naming what is wrong.
absl::StatusOr<v1::PharmacogenomicResult> ParsePhenotypeArgument(
    absl::string_view value);

}  // namespace dystonia

#endif  // DYSTONIA_CLIENTS_COMMON_PHENOTYPE_ARGUMENT_H_
