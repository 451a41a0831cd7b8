#include "service/cds_hooks/feedback.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/ascii.h"
#include "service/cds_hooks/json_value.h"
#include "service/cds_hooks/override_reasons.h"

namespace dystonia::cds_hooks {

using json::Get;
using json::Text;
using json::Value;

namespace {

// "8-4-4-4-12" hexadecimal digits, as the cards' uuids are written.
bool IsUuid(const std::string& text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-'
             : !absl::ascii_isxdigit(static_cast<unsigned char>(text[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<std::vector<v1::CardFeedback>> MapFeedback(
    const Value& body, const std::string& service_id, absl::Time now) {
  const Value* list = Get(body, "feedback");
  if (list == nullptr || !list->is_array()) {
    return absl::InvalidArgumentError("feedback: is missing or not an array");
  }
  if (list->size() > kMaxFeedbackEntries) {
    return absl::InvalidArgumentError(
        absl::StrCat("feedback: ", list->size(), " entries, at most ",
                     kMaxFeedbackEntries, " in one request"));
  }
  std::vector<v1::CardFeedback> out;
  for (size_t i = 0; i < list->size(); ++i) {
    const Value& entry = (*list)[i];
    const std::string where = absl::StrCat("feedback[", i, "]");
    v1::CardFeedback feedback;
    feedback.set_card_uuid(Text(Get(entry, "card")));
    if (feedback.card_uuid().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ".card: is missing"));
    }
    const std::string outcome = Text(Get(entry, "outcome"));
    if (outcome == "accepted") {
      feedback.set_outcome(v1::FEEDBACK_OUTCOME_ACCEPTED);
    } else if (outcome == "overridden") {
      feedback.set_outcome(v1::FEEDBACK_OUTCOME_OVERRIDDEN);
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ".outcome: '", outcome, "' is not accepted or overridden"));
    }
    if (const Value* override_reason = Get(entry, "overrideReason")) {
      if (const Value* reason = Get(*override_reason, "reason")) {
        const std::string code = Text(Get(*reason, "code"));
        const std::string system = Text(Get(*reason, "system"));
        if (FindOfferedOverrideReason(system, code) != nullptr) {
          feedback.set_override_reason_code(code);
          feedback.set_override_reason_system(system);
        }
      }
    }
    // CDS Hooks 2.0: outcomeTimestamp is required.
    const std::string timestamp = Text(Get(entry, "outcomeTimestamp"));
    absl::Time outcome_time = now;
    std::string error;
    if (timestamp.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ".outcomeTimestamp: is missing"));
    }
    if (!absl::ParseTime(absl::RFC3339_full, timestamp, &outcome_time,
                         &error)) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ".outcomeTimestamp: '", timestamp,
                       "' is not an RFC 3339 time"));
    }
    // Checked last, so a malformed fixture names its first real fault.
    if (!IsUuid(feedback.card_uuid())) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ".card: is not a card uuid"));
    }
    feedback.set_service_id(service_id);
    feedback.set_outcome_unix_seconds(absl::ToUnixSeconds(outcome_time));
    feedback.set_received_unix_seconds(absl::ToUnixSeconds(now));
    out.push_back(std::move(feedback));
  }
  return out;
}

}  // namespace dystonia::cds_hooks
