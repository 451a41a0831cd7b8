#ifndef DYSTONIA_SERVICE_CDS_HOOKS_HOOK_REQUEST_H_
#define DYSTONIA_SERVICE_CDS_HOOKS_HOOK_REQUEST_H_

// A CDS Hooks order-select / order-sign request (FHIR R4, lenient with STU3
// and R5 shapes) as what the engine judges: the draft orders, the active
// ones and conditions from prefetch, the patient's age and sex.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dystonia/v1/risk_service.pb.h"
#include "service/cds_hooks/fhir_medication.h"
#include "service/cds_hooks/json_value.h"

namespace dystonia::cds_hooks {

// The most patient conditions read from one hook request's prefetch, within
// the engine's request limit.
inline constexpr int kMaxHookConditions = 100;

// A hook request mapped to what the engine judges.
struct HookCall {
  std::string hook;
  // Judged at the youngest possible age (acute dystonia is worse younger).
  v1::CheckRequest check;
  // Set when a partial birthDate allows an older age: tardive findings come
  // from this one (tardive risk is worse older).
  std::optional<v1::CheckRequest> older_check;
  // Medication indexes of the draft orders, and of the selected ones
  // (order-select; empty means every draft).
  std::vector<int> draft_indexes;
  std::vector<int> selected_indexes;
  // context.selections was given (and so limits the cards, even when it
  // matches no order).
  bool has_selections = false;
  // Said on every card: how the patient was read (age from a partial
  // birthDate, age or sex not given), orders judged as continuing therapy.
  std::vector<std::string> notes;
  // Orders that were not judged, each with why (stopped or completed, no
  // medication readable): named in the "not checked" card, never dropped.
  std::vector<std::string> not_judged;
};

// What CDS Hooks 2.0 requires of an order hook request: a JSON object with
// hookInstance and a context with patientId. kInvalidArgument naming the
// field otherwise.
absl::Status ValidateHookRequest(const json::Value& body);

// Maps a CDS Hooks request body (already parsed from JSON) to a HookCall.
// `now` is the time of the request: ages and days on therapy are counted to
// it. `identify` (may be null) recognizes medications: with it, the first
// known coding of an order is used and a draft of a drug in an active
// prefetched order continues that therapy. kInvalidArgument naming the field
// for a body that cannot be read (not an object, no context, no
// hookInstance or context.patientId). Orders that are not medications
// (diet, imaging) are skipped; medication orders that are stopped or
// unreadable are listed in `not_judged`.
absl::StatusOr<HookCall> MapHookRequest(const json::Value& body,
                                        absl::Time now,
                                        const DrugIdentifier* identify = nullptr);

}  // namespace dystonia::cds_hooks

#endif  // DYSTONIA_SERVICE_CDS_HOOKS_HOOK_REQUEST_H_
