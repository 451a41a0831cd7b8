#ifndef DYSTONIA_SERVICE_CDS_HOOKS_FEEDBACK_H_
#define DYSTONIA_SERVICE_CDS_HOOKS_FEEDBACK_H_

// CDS Hooks feedback (POST .../feedback): whether a clinician accepted or
// overrode a card, and the coded reason. No free text is kept.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dystonia/v1/feedback.pb.h"
#include "service/cds_hooks/json_value.h"

namespace dystonia::cds_hooks {

// At most this many entries in one feedback request: an EHR sends feedback
// on the cards of one hook call (a handful), so more is not an EHR's.
inline constexpr size_t kMaxFeedbackEntries = 100;

// Feedback entries of a feedback body, received at `now`. kInvalidArgument
// naming the field for a malformed one (CDS Hooks 2.0: card, outcome and
// outcomeTimestamp are required; a card is a uuid) or for more than
// kMaxFeedbackEntries. An override reason is kept as its code and system
// only when it is one the cards offered (override_reasons.h); any other is
// dropped. Free text (the reason's display, userComment) is never read: a
// clinician may have typed a patient's name there.
absl::StatusOr<std::vector<v1::CardFeedback>> MapFeedback(
    const json::Value& body, const std::string& service_id,
    absl::Time now);

}  // namespace dystonia::cds_hooks

#endif  // DYSTONIA_SERVICE_CDS_HOOKS_FEEDBACK_H_
