#ifndef DYSTONIA_SERVICE_CDS_HOOKS_CARD_PROBLEMS_H_
#define DYSTONIA_SERVICE_CDS_HOOKS_CARD_PROBLEMS_H_

// Which of the engine's findings become CDS Hooks cards, and how loudly.
// Clinicians override most medication alerts; a card must be about what the
// draft orders change, said once, and a `warning` only when the prescriber
// should act now:
// - critical: a labelled contraindication;
// - warning: an acute dystonia finding for a draft order at MODERATE or
//   above; a tardive finding at HIGH whose exposure is established; an
//   interaction, duplicate dopamine blockade, drug combination, condition or
//   age caution at MODERATE or above that a new order creates;
// - info: the rest (a tardive risk to monitor for a new long-term start, a
//   caution about a continued order, prophylaxis, anything below MODERATE).
// A finding about active medications alone is no card (it is the QA
// audit's); findings that say the same thing (one drug ordered twice, an
// interaction found from both sides) are one card.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "dystonia/v1/risk_service.pb.h"
#include "service/cds_hooks/hook_request.h"

namespace dystonia::cds_hooks {

// One card's worth: the finding that speaks for it (the contraindication,
// else the highest level), the answer whose sources it cites, and the other
// findings that say the same thing.
struct CardProblem {
  const v1::Finding* finding = nullptr;
  const v1::CheckResponse* answer = nullptr;
  std::vector<const v1::Finding*> same_problem;
  // "critical", "warning" or "info".
  absl::string_view indicator;
};

// The problems to show for `call`, in the engine's order (contraindications
// first). `older` (may be null) is the answer at the older end of a partial
// birth date: the tardive findings come from it. `order_select` with
// selections limits them to the selected orders.
std::vector<CardProblem> CardProblems(const HookCall& call, bool order_select,
                                      const v1::CheckResponse& response,
                                      const v1::CheckResponse* older);

// The indicator of `finding`; `new_with_order` when one of its medications is
// a draft that starts a drug (not one continuing an active order).
absl::string_view CardIndicator(const v1::Finding& finding,
                                bool new_with_order);

}  // namespace dystonia::cds_hooks

#endif  // DYSTONIA_SERVICE_CDS_HOOKS_CARD_PROBLEMS_H_
