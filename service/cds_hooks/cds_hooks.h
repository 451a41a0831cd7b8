#ifndef DYSTONIA_SERVICE_CDS_HOOKS_CDS_HOOKS_H_
#define DYSTONIA_SERVICE_CDS_HOOKS_CDS_HOOKS_H_

// HL7 CDS Hooks: discovery, the order-select and order-sign services, and
// feedback, as operations that answer JSON or an absl::Status. The same
// engine as Check judges the orders (one judge). No HTTP here: the HTTP edge
// (service/server/http_edge) owns routes, authentication and the mapping of
// a status to an HTTP answer.

#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "drug_db/drug_store.h"
#include "drug_db/knowledge_holder.h"
#include "service/cds_hooks/caller_rate_limiter.h"
#include "service/cds_hooks/json_value.h"
#include "service/cds_hooks/prefetch.h"

namespace dystonia::cds_hooks {

struct CdsHooksOptions {
  // The address of a page about the knowledge base (its version, sources
  // and review), given as every card's source.url. Default: "" (no url).
  std::string knowledge_url;
  // Where prefetch the EHR did not send may be read. Default: nowhere.
  PrefetchSource prefetch;
  // A replica: the cards it issues and the feedback it takes go to its
  // outbox for the writer (DrugStore::AddToOutbox), which keeps the totals.
  // Feedback on a card another replica issued is accepted (the writer knows
  // its rule). Default: false (this server keeps its own).
  bool forward_to_writer = false;
  // Feedback entries one caller may post a minute (a token bucket per
  // caller, bursts up to the same figure); 0 means no limit.
  // Default: 1200 (20 a second, for an EHR whose one token carries the
  // feedback of every clinician).
  int64_t feedback_rate_per_minute = 1200;
};

// The CDS Hooks operations. Thread-safe.
class CdsHooksService {
 public:
  // `store` keeps card issues and feedback; both outlive this.
  CdsHooksService(const KnowledgeHolder* knowledge, DrugStore* store,
                  CdsHooksOptions options = {})
      : knowledge_(knowledge),
        store_(store),
        options_(std::move(options)),
        feedback_limiter_(options_.feedback_rate_per_minute) {}

  // The discovery document.
  json::Value Discovery() const;

  // The cards for a hook request `body` (JSON text) to `service_id`.
  // kNotFound for a service id that is not ours; kInvalidArgument naming the
  // field for a body that cannot be read or a hook that is not the
  // service's; kFailedPrecondition when the prefetch lacks what the service
  // needs and it cannot be read from the request's fhirServer;
  // kUnavailable while the knowledge base loads or when the issued cards
  // cannot be recorded.
  absl::StatusOr<json::Value> Hook(const std::string& service_id,
                                               const std::string& body) const;

  // Stores the feedback of `body` (JSON text) on cards `service_id` issued,
  // posted by `caller` (the authenticated name: the JWT's iss or the bearer
  // token's name); answers {}. Only the outcome, times and an offered
  // override reason's code and system are stored (see MapFeedback).
  // kNotFound for a service id that is not ours; kInvalidArgument naming the
  // entry for a malformed one, a card this service did not issue or more
  // than kMaxFeedbackEntries; kResourceExhausted when `caller` is over
  // feedback_rate_per_minute entries (nothing is stored); kUnavailable when
  // it cannot be stored.
  absl::StatusOr<json::Value> Feedback(const std::string& service_id,
                                       const std::string& body,
                                       absl::string_view caller) const;
  // As above for an edge that does not name the caller: every such caller
  // shares one rate-limit bucket.
  absl::StatusOr<json::Value> Feedback(const std::string& service_id,
                                       const std::string& body) const {
    return Feedback(service_id, body, "");
  }

 private:
  const KnowledgeHolder* knowledge_;
  DrugStore* store_;
  const CdsHooksOptions options_;
  // Thread-safe; mutable because taking tokens is not a change callers see.
  mutable CallerRateLimiter feedback_limiter_;
};

}  // namespace dystonia::cds_hooks

#endif  // DYSTONIA_SERVICE_CDS_HOOKS_CDS_HOOKS_H_
