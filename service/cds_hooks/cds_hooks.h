#ifndef DYSTONIA_SERVICE_CDS_HOOKS_CDS_HOOKS_H_
#define DYSTONIA_SERVICE_CDS_HOOKS_CDS_HOOKS_H_

// HL7 CDS Hooks over FHIR R4 (lenient with STU3 and the spec's own
// inconsistent examples): discovery, the order-select and order-sign
// services, and feedback. The same engine as Check judges the orders (one
// judge). No HTTP here: CdsHooksService maps (method, path, body) to
// (status, JSON); service/server puts it on a port.

#include <functional>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "drug_db/drug_store.h"
#include "drug_db/knowledge_holder.h"
#include "dystonia/v1/feedback.pb.h"
#include "dystonia/v1/risk_service.pb.h"
#include "google/protobuf/struct.pb.h"

namespace dystonia::cds_hooks {

inline constexpr char kOrderSelectService[] = "dystonia-risk-order-select";
inline constexpr char kOrderSignService[] = "dystonia-risk-order-sign";

// A hook request mapped to what the engine judges.
// The most patient conditions read from one hook request's prefetch, within
// the engine's request limit.
inline constexpr int kMaxHookConditions = 100;

// Returns the knowledge base's drug id for a medication ("" when it is not
// recognized), so that the mapping can prefer codes the service knows and
// tell a continued order from a new one without knowing the knowledge base.
using DrugIdentifier = std::function<std::string(const v1::Medication&)>;

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

// Maps a CDS Hooks request body (already parsed from JSON) to a HookCall.
// `now` is the time of the request: ages and days on therapy are counted to
// it. `identify` (may be null) recognizes medications: with it, the first
// known coding of an order is used and a draft of a drug in an active
// prefetched order continues that therapy. kInvalidArgument naming the field
// for a body that cannot be read (not an object, no context). Orders that
// are not medications (diet, imaging) are skipped; medication orders that
// are stopped or unreadable are listed in `not_judged`.
absl::StatusOr<HookCall> MapHookRequest(const google::protobuf::Value& body,
                                        absl::Time now,
                                        const DrugIdentifier* identify = nullptr);

// The cards for `call` from the engine's answers (`older` may be null).
// Appends the issued cards' records to `issues`.
// Each card's source names the service and the rule; its url is
// `source_url` (a page about the knowledge base, not one of the papers: those
// are the card's links), left out when empty.
google::protobuf::Value BuildCards(const HookCall& call,
                                   const std::string& service_id,
                                   const v1::CheckResponse& response,
                                   const v1::CheckResponse* older,
                                   absl::Time now,
                                   std::vector<v1::CardIssue>* issues,
                                   const std::string& source_url = "");

// The discovery document (GET /cds-services).
google::protobuf::Value DiscoveryDocument();

// Feedback entries of a POST .../feedback body. kInvalidArgument naming the
// field for a malformed one.
absl::StatusOr<std::vector<v1::CardFeedback>> MapFeedback(
    const google::protobuf::Value& body, const std::string& service_id,
    absl::Time now);

// Override rate per rule over [from, to) (0 = unbounded) of outcome time.
v1::FeedbackSummary SummarizeFeedback(
    const std::vector<v1::CardFeedback>& feedback, int64_t from_unix_seconds,
    int64_t to_unix_seconds);

// An HTTP answer: status and JSON body.
struct HttpAnswer {
  int status = 200;
  std::string json;
};

// {"error": message} with `status`, JSON-escaped.
HttpAnswer ErrorAnswer(int status, const std::string& message);

struct CdsHooksOptions {
  // The address of a page about the knowledge base (its version, sources
  // and review), given as every card's source.url. Default: "" (no url).
  std::string knowledge_url;
};

// The endpoint logic. Thread-safe.
class CdsHooksService {
 public:
  // `store` keeps card issues and feedback; both outlive this.
  CdsHooksService(const KnowledgeHolder* knowledge, DrugStore* store,
                  CdsHooksOptions options = {})
      : knowledge_(knowledge), store_(store), options_(std::move(options)) {}

  // GET /cds-services, POST /cds-services/{id}, POST
  // /cds-services/{id}/feedback. 404 for anything else, 400 with
  // {"error": "..."} for a malformed body, 503 while the knowledge base
  // loads.
  HttpAnswer Handle(const std::string& method, const std::string& path,
                    const std::string& body) const;

 private:
  HttpAnswer Hook(const std::string& service_id, const std::string& body) const;
  HttpAnswer Feedback(const std::string& service_id,
                      const std::string& body) const;

  const KnowledgeHolder* knowledge_;
  DrugStore* store_;
  const CdsHooksOptions options_;
};

}  // namespace dystonia::cds_hooks

#endif  // DYSTONIA_SERVICE_CDS_HOOKS_CDS_HOOKS_H_
