#ifndef DYSTONIA_DRUG_DB_CONDITION_CODES_H_
#define DYSTONIA_DRUG_DB_CONDITION_CODES_H_

// Code systems, code shapes and name folding for patient conditions
// (ClinicalCondition in the knowledge base, Condition in a CheckRequest).

#include <string>

#include "absl/strings/string_view.h"

namespace dystonia {

// FHIR code-system URIs the service recognizes conditions by.
inline constexpr absl::string_view kSnomedCtSystem = "http://snomed.info/sct";
inline constexpr absl::string_view kIcd10CmSystem =
    "http://hl7.org/fhir/sid/icd-10-cm";
inline constexpr absl::string_view kIcd10System =
    "http://hl7.org/fhir/sid/icd-10";

// True for SNOMED CT, ICD-10-CM or ICD-10.
bool IsKnownConditionCodeSystem(absl::string_view system);

// Folds a code of `system` to its index form: spaces stripped; ICD codes
// upper-cased with the dot removed ("g20.a1" -> "G20A1"), so that a code
// sent with or without its dot matches.
std::string NormalizeConditionCode(absl::string_view system,
                                   absl::string_view code);

// True for a well-formed code of a known system: SNOMED CT 6 to 18 digits;
// ICD-10 and ICD-10-CM a letter, two characters of which the first is a
// digit, then at most five more letters or digits (the dot optional).
bool IsWellFormedConditionCode(absl::string_view system,
                               absl::string_view code);

// Folds a condition name to its index key like a drug name, with
// apostrophes dropped rather than split on: "Parkinson's disease" and
// "parkinsons disease" both become "parkinsons disease".
std::string NormalizeConditionName(absl::string_view name);

}  // namespace dystonia

#endif  // DYSTONIA_DRUG_DB_CONDITION_CODES_H_
