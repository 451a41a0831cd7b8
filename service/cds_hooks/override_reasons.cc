#include "service/cds_hooks/override_reasons.h"

namespace dystonia::cds_hooks {
namespace {

constexpr OverrideReason kOffered[] = {
    {"benefit-outweighs-risk", "Benefit outweighs the risk for this patient"},
    {"tolerated-before", "Patient has tolerated this medication before"},
    {"prophylaxis-or-monitoring", "Prophylaxis or monitoring is in place"},
    {"not-applicable", "Not applicable to this patient"}};

}  // namespace

absl::Span<const OverrideReason> OfferedOverrideReasons() { return kOffered; }

const OverrideReason* FindOfferedOverrideReason(absl::string_view system,
                                                absl::string_view code) {
  if (system != kOverrideReasonSystem) return nullptr;
  for (const OverrideReason& reason : kOffered) {
    if (code == reason.code) return &reason;
  }
  return nullptr;
}

}  // namespace dystonia::cds_hooks
