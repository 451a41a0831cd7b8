#include "service/cds_hooks/cds_hooks.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "service/cds_hooks/cards.h"
#include "service/cds_hooks/discovery.h"
#include "service/cds_hooks/feedback.h"
#include "service/cds_hooks/hook_request.h"
#include "service/cds_hooks/json_value.h"
#include "service/cds_hooks/prefetch.h"
#include "service/engine/name_resolver.h"
#include "service/engine/risk_engine.h"

namespace dystonia::cds_hooks {
namespace {

using json::Value;

absl::Status UnknownService(const std::string& service_id) {
  return absl::NotFoundError(
      absl::StrCat("no CDS service '", service_id, "'"));
}

Value NoCards() {
  Value body;
  json::Put(&body, "cards", Value::array());
  return body;
}

}  // namespace

Value CdsHooksService::Discovery() const { return DiscoveryDocument(); }

absl::StatusOr<Value> CdsHooksService::Hook(const std::string& service_id,
                                            const std::string& body) const {
  const std::string expected_hook = HookOfService(service_id);
  if (expected_hook.empty()) return UnknownService(service_id);
  absl::StatusOr<Value> request = json::Parse(body);
  if (!request.ok()) return request.status();
  const absl::Time now = absl::Now();
  // CDS Hooks 2.0: a valid request, and the hook named must be the
  // service's (checked before any FHIR server is read for it).
  absl::Status valid = ValidateHookRequest(*request);
  if (!valid.ok()) return valid;
  const std::string hook = json::Text(json::Get(*request, "hook"));
  if (hook != expected_hook) {
    return absl::InvalidArgumentError(absl::StrCat(
        "hook: '", hook, "' is not ", expected_hook, ", the hook of ",
        service_id));
  }
  absl::Status completed = CompletePrefetch(&*request, options_.prefetch, now);
  if (!completed.ok()) return completed;
  std::shared_ptr<const KnowledgeSnapshot> knowledge = knowledge_->Current();
  if (knowledge == nullptr) {
    return absl::UnavailableError(
        "the knowledge base is loading; retry shortly");
  }
  const DrugIdentifier identify =
      [&knowledge](const v1::Medication& medication) -> std::string {
    const Resolution resolution = NameResolver::Resolve(*knowledge, medication);
    return resolution.drug < 0
               ? std::string()
               : knowledge->drugs()[resolution.drug].drug->id();
  };
  absl::StatusOr<HookCall> call = MapHookRequest(*request, now, &identify);
  if (!call.ok()) return call.status();
  if (call->draft_indexes.empty() && call->not_judged.empty()) return NoCards();
  v1::CheckResponse response;
  v1::CheckResponse older;
  if (!call->draft_indexes.empty()) {
    absl::Status assessed = RiskEngine::Assess(*knowledge, call->check, &response);
    if (!assessed.ok()) return assessed;
    if (call->older_check) {
      assessed = RiskEngine::Assess(*knowledge, *call->older_check, &older);
      if (!assessed.ok()) return assessed;
    }
  }
  std::vector<v1::CardIssue> issues;
  Value cards = BuildCards(*call, service_id,
                           service_id != kOrderSignService, response,
                           call->older_check ? &older : nullptr, now, &issues,
                           options_.knowledge_url);
  // A card's feedback is matched to its rule through this record: a card
  // that could not be recorded is not sent.
  if (!issues.empty()) {
    absl::Status recorded = store_->RecordCardIssues(issues);
    if (recorded.ok() && options_.forward_to_writer) {
      v1::ForwardFeedbackRequest forward;
      for (const v1::CardIssue& issue : issues) *forward.add_issues() = issue;
      recorded = store_->AddToOutbox(forward);
    }
    if (!recorded.ok()) {
      return absl::UnavailableError(absl::StrCat(
          "the cards could not be recorded: ", recorded.message()));
    }
  }
  return cards;
}

absl::StatusOr<Value> CdsHooksService::Feedback(const std::string& service_id,
                                                const std::string& body,
                                                absl::string_view caller) const {
  if (HookOfService(service_id).empty()) return UnknownService(service_id);
  absl::StatusOr<Value> request = json::Parse(body);
  if (!request.ok()) return request.status();
  const absl::Time now = absl::Now();
  absl::StatusOr<std::vector<v1::CardFeedback>> feedback =
      MapFeedback(*request, service_id, now);
  if (!feedback.ok()) return feedback.status();
  // Charged per entry, before any is looked up or stored.
  if (!feedback_limiter_.TryTake(caller,
                                 static_cast<int64_t>(feedback->size()), now)) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "feedback: over ", feedback_limiter_.per_minute(),
        " entries a minute for this caller; retry later"));
  }
  for (size_t i = 0; i < feedback->size(); ++i) {
    v1::CardFeedback& entry = (*feedback)[i];
    absl::StatusOr<v1::CardIssue> issue =
        store_->FindCardIssue(entry.card_uuid());
    // A replica cannot know the cards its peers issued: the writer does.
    if (options_.forward_to_writer && absl::IsNotFound(issue.status())) continue;
    if (!issue.ok() || issue->service_id() != service_id) {
      return absl::InvalidArgumentError(
          absl::StrCat("feedback[", i, "].card: '", entry.card_uuid(),
                       "' is not a card this service issued"));
    }
    entry.set_rule_id(issue->rule_id());
  }
  absl::Status stored = absl::OkStatus();
  if (options_.forward_to_writer) {
    // Acknowledged once it is in the outbox (synced); delivered at least
    // once, stored once on the writer (keyed by card).
    v1::ForwardFeedbackRequest forward;
    for (const v1::CardFeedback& entry : *feedback) *forward.add_feedback() = entry;
    stored = store_->AddToOutbox(forward);
  } else {
    stored = store_->RecordFeedback(*feedback);
  }
  if (!stored.ok()) {
    return absl::UnavailableError(
        absl::StrCat("the feedback could not be stored: ", stored.message()));
  }
  return Value::object();
}

}  // namespace dystonia::cds_hooks
