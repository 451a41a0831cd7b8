#ifndef DYSTONIA_SERVICE_CDS_HOOKS_OVERRIDE_REASONS_H_
#define DYSTONIA_SERVICE_CDS_HOOKS_OVERRIDE_REASONS_H_

// The override reasons every card offers (CDS Hooks 2.0 overrideReasons),
// and the only ones feedback may carry: a reason is kept as its code and
// system, never as text a clinician typed.

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace dystonia::cds_hooks {

inline constexpr char kOverrideReasonSystem[] =
    "urn:dystonia-risk:override-reason";

struct OverrideReason {
  const char* code;
  // Shown to the clinician on the card.
  const char* display;
};

// The reasons offered, in the order a card lists them (all in
// kOverrideReasonSystem).
absl::Span<const OverrideReason> OfferedOverrideReasons();

// The offered reason with `code` in `system`, or nullptr.
const OverrideReason* FindOfferedOverrideReason(absl::string_view system,
                                                absl::string_view code);

}  // namespace dystonia::cds_hooks

#endif  // DYSTONIA_SERVICE_CDS_HOOKS_OVERRIDE_REASONS_H_
