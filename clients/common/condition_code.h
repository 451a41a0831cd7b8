#ifndef DYSTONIA_CLIENTS_COMMON_CONDITION_CODE_H_
#define DYSTONIA_CLIENTS_COMMON_CONDITION_CODE_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "dystonia/v1/risk_service.pb.h"

namespace dystonia {

// Parses "SYSTEM|CODE" into a coded patient condition, as the command-line
// client and the audit files write it. SYSTEM is a FHIR code-system URI or
// one of the short names sct / snomed (SNOMED CT), icd10cm (ICD-10-CM),
// icd10 (ICD-10), any case. Returns kInvalidArgument when there is no "|" or
// either side is empty.
absl::StatusOr<v1::Condition> ParseConditionCode(absl::string_view value);

}  // namespace dystonia

#endif  // DYSTONIA_CLIENTS_COMMON_CONDITION_CODE_H_
