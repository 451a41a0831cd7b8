#ifndef DYSTONIA_SERVICE_ENGINE_FEEDBACK_SUMMARY_H_
#define DYSTONIA_SERVICE_ENGINE_FEEDBACK_SUMMARY_H_

// How clinicians answered the cards: accepted and overridden per rule, and
// the override reasons, so that a pharmacy committee sees which rules are
// not worth interrupting for.

#include <cstdint>
#include <vector>

#include "dystonia/v1/feedback.pb.h"

namespace dystonia {

// Override rate per rule over [from, to) (0 = unbounded) of outcome time,
// rules with the most feedback first.
v1::FeedbackSummary SummarizeFeedback(
    const std::vector<v1::CardFeedback>& feedback, int64_t from_unix_seconds,
    int64_t to_unix_seconds);

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_ENGINE_FEEDBACK_SUMMARY_H_
