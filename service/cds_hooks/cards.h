#ifndef DYSTONIA_SERVICE_CDS_HOOKS_CARDS_H_
#define DYSTONIA_SERVICE_CDS_HOOKS_CARDS_H_

// CDS Hooks cards from the engine's answer: one card per problem the draft
// orders raise or change (card_problems.h says which and how loudly), and a
// "not checked" card naming every order that was not judged.

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "dystonia/v1/feedback.pb.h"
#include "dystonia/v1/risk_service.pb.h"
#include "service/cds_hooks/hook_request.h"
#include "service/cds_hooks/json_value.h"

namespace dystonia::cds_hooks {

// CDS Hooks: a card's summary is under 140 characters.
inline constexpr size_t kMaxCardSummaryCharacters = 140;
// A card's detail stays short enough to read on a card; the full evidence
// is behind its links.
inline constexpr size_t kMaxCardDetailCharacters = 2000;

// {"cards": [...]} for `call` from the engine's answers (`older` may be
// null: the answer at the older end of a partial birth date, which the
// tardive findings come from). Appends the issued cards' records to
// `issues`. `order_select` limits the cards to the selected orders. Each
// card's source names the service and the rule; its url is `source_url` (a
// page about the knowledge base, not one of the papers: those are the
// card's links), left out when empty.
json::Value BuildCards(const HookCall& call,
                                   const std::string& service_id,
                                   bool order_select,
                                   const v1::CheckResponse& response,
                                   const v1::CheckResponse* older,
                                   absl::Time now,
                                   std::vector<v1::CardIssue>* issues,
                                   const std::string& source_url = "");

}  // namespace dystonia::cds_hooks

#endif  // DYSTONIA_SERVICE_CDS_HOOKS_CARDS_H_
