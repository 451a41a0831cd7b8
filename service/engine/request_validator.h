#ifndef DYSTONIA_SERVICE_ENGINE_REQUEST_VALIDATOR_H_
#define DYSTONIA_SERVICE_ENGINE_REQUEST_VALIDATOR_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "dystonia/v1/risk_service.pb.h"

namespace dystonia {

// Limits of one CheckRequest.
inline constexpr int kMaxMedications = 100;
inline constexpr int kMaxNameCharacters = 200;
inline constexpr int kMaxRequestIdBytes = 256;
inline constexpr double kMaxAgeYears = 125;
inline constexpr int kMaxConditions = 100;
// A code-system URI or a code longer than this is not one.
inline constexpr int kMaxConditionCodeBytes = 200;
// Above the heaviest weight recorded in a person.
inline constexpr double kMaxWeightKg = 650;
// One result per gene; far more genes than any panel reports.
inline constexpr int kMaxPharmacogenomicResults = 50;

// Checks a CheckRequest before it is judged. Returns kInvalidArgument whose
// message names the field and the reason, e.g.
// "patient.age_years: 130 is over 125", "medications[2].name: is empty".
// An empty medication list is valid.
absl::Status ValidateCheckRequest(const v1::CheckRequest& request);

// True when `text` is well-formed UTF-8.
bool IsValidUtf8(absl::string_view text);

// Counts the code points of well-formed UTF-8 `text`.
int CountCodePoints(absl::string_view text);

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_ENGINE_REQUEST_VALIDATOR_H_
