#ifndef DYSTONIA_SERVICE_CDS_HOOKS_FHIR_GENOMICS_H_
#define DYSTONIA_SERVICE_CDS_HOOKS_FHIR_GENOMICS_H_

// The patient's metabolizer phenotypes as the HL7 Genomics Reporting IG
// records them: a therapeutic-implication Observation whose implication
// component (STU3 `therapeutic-implication`, STU2
// `predicted-therapeutic-implication`, STU1 LOINC 53040-2 "effect on drug
// metabolism") carries the LOINC answer for the phenotype, and whose gene
// is its own gene-studied component (LOINC 48018-6) or that of the genotype
// Observation it is derived from.

#include <string>
#include <vector>

#include "dystonia/v1/risk_service.pb.h"
#include "service/cds_hooks/fhir_medication.h"
#include "service/cds_hooks/json_value.h"

namespace dystonia::cds_hooks {

// The LOINC answers of the IG's GeneticTherapeuticImplicationsVS for
// metabolizer status, as read in HL7/genomics-reporting.
struct PhenotypeAnswer {
  const char* loinc;
  const char* display;
  v1::PharmacogenomicResult::Phenotype phenotype;
};
inline constexpr PhenotypeAnswer kPhenotypeAnswers[] = {
    {"LA9657-3", "Poor metabolizer", v1::PharmacogenomicResult::POOR},
    {"LA10317-8", "Intermediate metabolizer",
     v1::PharmacogenomicResult::INTERMEDIATE},
    {"LA25391-6", "Normal metabolizer", v1::PharmacogenomicResult::NORMAL},
    {"LA25390-8", "Rapid metabolizer", v1::PharmacogenomicResult::RAPID},
    {"LA10315-2", "Ultrarapid metabolizer",
     v1::PharmacogenomicResult::ULTRARAPID}};

// What the genomics prefetch gave: one result per gene, and readable lines
// for what was left out (a result without a gene, results that disagree).
struct GenomicResults {
  std::vector<v1::PharmacogenomicResult> results;
  std::vector<std::string> notes;
};

// Reads every metabolizer phenotype among `resources` (final, amended or
// corrected Observations), resolving derivedFrom among `everything`.
// Several implications of one gene that agree are one result; ones that
// disagree are none, with a note. At most `max_results` genes are read.
GenomicResults PharmacogenomicsFrom(
    const std::vector<const json::Value*>& resources,
    const std::vector<Referable>& everything, int max_results);

}  // namespace dystonia::cds_hooks

#endif  // DYSTONIA_SERVICE_CDS_HOOKS_FHIR_GENOMICS_H_
